/**
 * What a file is, decided from its bytes (SPEC §8, issue 11): magic numbers (the `file-type`
 * package) decide PDF, JPEG, PNG, GIF, WebP, HEIC, DOCX and XLSX; an OLE compound file (`cfb`)
 * is DOC or XLS by the name's extension; bytes with no signature are plain text only when the
 * first 8 KiB are valid UTF-8 without NUL. The name's extension (ignoring case) must belong to
 * the detected type's family; a name without an extension passes. The stored `mime_type` and
 * the key's extension come from the detected type, never from the client.
 */
import { fromBuffer } from 'file-type';
import { extensionOf } from './file-names';

/** How many leading bytes decide the type (a DOCX's entries list fits in them). */
export const SNIFF_BYTES = 64 * 1024;
/** How many leading bytes must be clean UTF-8 for text. */
export const TEXT_SNIFF_BYTES = 8 * 1024;

export interface FileKind {
  mime: string;
  /** The extension the stored object gets, with its dot. */
  extension: string;
  /** The extensions a client's name may carry for this kind. */
  family: readonly string[];
  /** Images the thumbnails are made of. */
  image: boolean;
}

const kind = (mime: string, family: string[], image = false): FileKind => ({
  mime,
  extension: family[0],
  family,
  image,
});

export const FILE_KINDS = {
  pdf: kind('application/pdf', ['.pdf']),
  jpg: kind('image/jpeg', ['.jpg', '.jpeg', '.jfif', '.jpe'], true),
  png: kind('image/png', ['.png'], true),
  gif: kind('image/gif', ['.gif'], true),
  webp: kind('image/webp', ['.webp'], true),
  heic: kind('image/heic', ['.heic', '.heif']),
  docx: kind('application/vnd.openxmlformats-officedocument.wordprocessingml.document', ['.docx']),
  xlsx: kind('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ['.xlsx']),
  doc: kind('application/msword', ['.doc']),
  xls: kind('application/vnd.ms-excel', ['.xls']),
  txt: kind('text/plain', ['.txt', '.text', '.csv', '.log', '.md']),
} as const satisfies Record<string, FileKind>;

export const ALLOWED_TYPES_TEXT =
  'PDF, JPEG, PNG, GIF, WebP, HEIC, DOC/DOCX, XLS/XLSX or plain text';

export type Classification = { ok: true; kind: FileKind } | { ok: false; detail: string };

const notAllowed = (what: string): Classification => ({
  ok: false,
  detail: `The file is ${what}, which is not allowed: upload ${ALLOWED_TYPES_TEXT}.`,
});

/** Valid UTF-8 without NUL (a multi-byte character cut at the end of `head` is fine). */
function isText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The kind of a file from what `file-type` detected in its first bytes (`detected`, undefined
 * when no signature matched), those bytes (`head`) and the client's name. Pure.
 */
export function classify(
  detected: { ext: string } | undefined,
  head: Uint8Array,
  filename: string,
): Classification {
  const extension = extensionOf(filename);
  let found: FileKind;
  if (!detected) {
    if (!isText(head.subarray(0, TEXT_SNIFF_BYTES)))
      return notAllowed('binary data of no known type');
    found = FILE_KINDS.txt;
  } else if (detected.ext === 'cfb') {
    // An OLE compound file says nothing of what it holds: the name decides between DOC and XLS.
    if (FILE_KINDS.doc.family.includes(extension)) found = FILE_KINDS.doc;
    else if (FILE_KINDS.xls.family.includes(extension)) found = FILE_KINDS.xls;
    else return notAllowed('an OLE compound file not named .doc or .xls');
  } else if (Object.hasOwn(FILE_KINDS, detected.ext) && detected.ext !== 'txt') {
    found = FILE_KINDS[detected.ext as keyof typeof FILE_KINDS];
  } else {
    return notAllowed(`a ${detected.ext.toUpperCase()} file`);
  }
  if (extension && !found.family.includes(extension)) {
    return {
      ok: false,
      detail: `The file's name ends in ${extension} but its content is ${found.mime}; rename it (${found.family.join(', ')}) or upload the right file.`,
    };
  }
  return { ok: true, kind: found };
}

/** `classify` of a file's first bytes (at most SNIFF_BYTES are read) and its client name. */
export async function detectFileKind(head: Uint8Array, filename: string): Promise<Classification> {
  const sample = head.subarray(0, SNIFF_BYTES);
  return classify(
    await fromBuffer(Buffer.from(sample.buffer, sample.byteOffset, sample.length)),
    sample,
    filename,
  );
}
