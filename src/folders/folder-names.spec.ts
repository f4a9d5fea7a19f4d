import { checkFolderName, MAX_FOLDER_NAME_LENGTH } from './folder-names';

describe('checkFolderName', () => {
  it('trims and normalises to NFC', () => {
    const decomposed = 'Cafe\u0301 '; // "Café" typed with a combining accent
    expect(checkFolderName(`  ${decomposed}`)).toEqual({ ok: true, name: 'Caf\u00e9' });
    expect(checkFolderName('\tរូបថតអ្នកខ្ចី\n')).toEqual({ ok: true, name: 'រូបថតអ្នកខ្ចី' });
  });

  it('keeps the case (uniqueness ignores it, the name does not)', () => {
    expect(checkFolderName('ID Cards')).toEqual({ ok: true, name: 'ID Cards' });
  });

  it('refuses an empty or blank name', () => {
    expect(checkFolderName('')).toEqual({ ok: false, msg: 'must not be empty' });
    expect(checkFolderName(' \u00a0\t ')).toEqual({ ok: false, msg: 'must not be empty' });
  });

  it('counts characters, not UTF-16 units, against the limit', () => {
    const emoji = '\u{1F4C1}'; // two UTF-16 units, one character
    expect(checkFolderName(emoji.repeat(MAX_FOLDER_NAME_LENGTH))).toEqual({
      ok: true,
      name: emoji.repeat(MAX_FOLDER_NAME_LENGTH),
    });
    expect(checkFolderName('a'.repeat(MAX_FOLDER_NAME_LENGTH + 1))).toEqual({
      ok: false,
      msg: 'must be at most 255 characters (it has 256)',
    });
  });

  it('refuses control characters inside the name', () => {
    expect(checkFolderName('a\u0000b').ok).toBe(false);
    expect(checkFolderName('a\u0085b').ok).toBe(false);
  });
});
