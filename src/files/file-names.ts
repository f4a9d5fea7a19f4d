/**
 * A client's file name is data only (SPEC §8): kept as `original_filename`, never part of an
 * object key. It is cleaned so that it is safe to show and to offer back in a download:
 * NFC-normalised, control characters and NUL dropped, only the part after the last `/` or `\`,
 * spaces and dots trimmed at both ends, cut to 255 code points; when nothing is left, `file`
 * with the extension of the detected type. Always accepted.
 */
export const MAX_NAME_CODE_POINTS = 255;

// C0 and C1 controls, DEL, and the bidirectional overrides that disguise an extension.
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const EDGES = /^[\s.]+|[\s.]+$/gu;

/** `raw` cleaned; `fallbackExtension` (e.g. `.pdf`) names a file whose name was empty. */
export function cleanFileName(raw: string, fallbackExtension: string): string {
  const lastPart = raw.normalize('NFC').replace(UNSAFE, '').split(/[/\\]/).pop() ?? '';
  const trimmed = lastPart.replace(EDGES, '');
  const cut = [...trimmed].slice(0, MAX_NAME_CODE_POINTS).join('').replace(EDGES, '');
  return cut || `file${fallbackExtension}`;
}

/** The extension of a name, lower-cased with its dot (`.jpg`), or `''` when it has none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot).toLowerCase() : '';
}
