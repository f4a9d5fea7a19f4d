/**
 * A guard against deeply nested JSON bodies. `JSON.parse` copes with them, but the validators
 * and transformers that walk a body recursively (class-validator, class-transformer) overflow
 * the stack on a few thousand levels. The raw bytes are scanned before parsing (one pass, no
 * allocation), so such a body is refused with a 422 before any of them runs.
 */
export const MAX_BODY_DEPTH = 64;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/** The deepest nesting of objects and arrays in JSON text (brackets inside strings ignored). */
export function jsonNestingDepth(raw: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < raw.length; index += 1) {
    const byte = raw[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
  return deepest;
}

/** The error body-parser passes on when `verify` throws; the problem filter answers it. */
export class BodyTooDeepError extends Error {
  readonly status = 422;
  readonly type = 'entity.too.deep';
  constructor(readonly limit: number) {
    super(`JSON body nested deeper than ${limit} levels`);
  }
}

/** For the `verify` option of Express' JSON parser. */
export function verifyJsonDepth(_request: unknown, _response: unknown, raw: Buffer): void {
  if (jsonNestingDepth(raw) > MAX_BODY_DEPTH) throw new BodyTooDeepError(MAX_BODY_DEPTH);
}
