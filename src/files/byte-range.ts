/**
 * The `Range` header of `GET /files/{id}/content` (RFC 9110 §14): one byte range is served
 * (206); several, or a header this server does not understand, are ignored and the whole file is
 * sent (200), as the RFC allows; a well-formed range that lies wholly past the end is 416.
 */

/** What to send for a request's `Range` header and a file of `size` bytes. */
export type RangeAnswer =
  { kind: 'whole' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const WHOLE: RangeAnswer = { kind: 'whole' };
const UNSATISFIABLE: RangeAnswer = { kind: 'unsatisfiable' };

/** Digits only, and few enough of them to be an exact number. */
const BYTE_POSITION = /^\d{1,15}$/;

export function parseByteRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return WHOLE;
  const match = /^\s*bytes\s*=\s*([^,]*?)\s*$/i.exec(header);
  // Not bytes, or a list of ranges: ignored (one range is all a document viewer asks for).
  if (!match) return WHOLE;
  const parts = match[1].split('-').map((part) => part.trim());
  if (parts.length !== 2) return WHOLE;
  const [first, last] = parts;
  if (first === '') {
    // A suffix: the last `last` bytes.
    if (!BYTE_POSITION.test(last)) return WHOLE;
    const length = Number(last);
    if (length === 0 || size === 0) return UNSATISFIABLE;
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  if (!BYTE_POSITION.test(first) || (last !== '' && !BYTE_POSITION.test(last))) return WHOLE;
  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  // A last position before the first is invalid syntax (ignored), not an unsatisfiable range.
  if (end < start) return WHOLE;
  if (start >= size) return UNSATISFIABLE;
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/** `Content-Range` of a partial answer, or of a 416 (`bytes *\/size`). */
export function contentRange(answer: RangeAnswer, size: number): string {
  return answer.kind === 'partial'
    ? `bytes ${answer.start}-${answer.end}/${size}`
    : `bytes */${size}`;
}
