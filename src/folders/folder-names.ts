/**
 * Folder names (issue 11 item 9): what a person typed, trimmed and NFC-normalised, so that the
 * same name typed on two keyboards (precomposed or combining Khmer, Vietnamese, ...) is one name.
 * Siblings may not share a name ignoring case (index folders_sibling_name_key compares
 * `lower(name)`); the service maps that index's refusal to 409. Pure.
 */
export const MAX_FOLDER_NAME_LENGTH = 255;

// C0 and C1 controls and DEL: invisible in a folder list, and PostgreSQL refuses NUL.
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;

export type FolderNameCheck = { ok: true; name: string } | { ok: false; msg: string };

/** `raw` as it is stored, or why it cannot be a folder's name. */
export function checkFolderName(raw: string): FolderNameCheck {
  const name = raw.normalize('NFC').trim();
  if (name === '') return { ok: false, msg: 'must not be empty' };
  // varchar(255) counts characters (code points), not UTF-16 units.
  const length = [...name].length;
  if (length > MAX_FOLDER_NAME_LENGTH) {
    return {
      ok: false,
      msg: `must be at most ${MAX_FOLDER_NAME_LENGTH} characters (it has ${length})`,
    };
  }
  if (CONTROLS.test(name)) return { ok: false, msg: 'must not contain control characters' };
  return { ok: true, name };
}
