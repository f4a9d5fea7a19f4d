import { cleanFileName, extensionOf, MAX_NAME_CODE_POINTS } from './file-names';

describe('cleanFileName', () => {
  it.each([
    ['keeps an ordinary name', 'ID card (front).jpg', 'ID card (front).jpg'],
    ['keeps Khmer letters, NFC-normalised', 'អត្តសញ្ញាណប័ណ្ណ.pdf', 'អត្តសញ្ញាណប័ណ្ណ.pdf'],
    ['composes decomposed accents (NFC)', 'Cafe\u0301.pdf', 'Café.pdf'],
    ['keeps only the part after the last slash', '../../etc/passwd', 'passwd'],
    ['and after the last backslash', 'C:\\Users\\dara\\scan.pdf', 'scan.pdf'],
    ['drops NUL and control characters', 'sc\u0000an\u0007\n.pdf', 'scan.pdf'],
    ['drops bidirectional overrides', 'invoice\u202efdp.exe', 'invoicefdp.exe'],
    ['trims spaces and dots at both ends', '  ..report.pdf.. ', 'report.pdf'],
    ['names an empty result after the type', '', 'file.pdf'],
    ['names a name of dots after the type', '....', 'file.pdf'],
    ['names a path ending in a slash after the type', 'folder/', 'file.pdf'],
  ])('%s', (_what, raw, cleaned) => {
    expect(cleanFileName(raw, '.pdf')).toBe(cleaned);
  });

  it(`cuts a long name to ${MAX_NAME_CODE_POINTS} code points (not UTF-16 units)`, () => {
    const cleaned = cleanFileName('😀'.repeat(10_000), '.jpg');
    expect([...cleaned]).toHaveLength(MAX_NAME_CODE_POINTS);
    expect(cleaned.length).toBe(2 * MAX_NAME_CODE_POINTS);
  });
});

describe('extensionOf', () => {
  it.each([
    ['photo.JPG', '.jpg'],
    ['archive.tar.gz', '.gz'],
    ['README', ''],
    ['.hidden', ''],
    ['trailing.', ''],
  ])('%s → %s', (name, extension) => {
    expect(extensionOf(name)).toBe(extension);
  });
});
