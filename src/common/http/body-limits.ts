import { HttpStatus } from '@nestjs/common';
import { ProblemException } from './problem';

/**
 * Limits on the shape of request bodies, checked on the raw bytes before they are parsed.
 * `JSON.parse` copes with any shape, but what runs after it does not: class-validator and
 * class-transformer recurse (a few thousand levels overflow the stack) and their cost grows
 * faster than the number of keys (90,000 keys under 1 MiB cost seconds of event-loop time).
 * One pass over the bytes, without allocation, refuses such a body with a 422 first. The
 * key limits count array items too: class-transformer copies 200,000 numbers as slowly.
 */
export const MAX_BODY_DEPTH = 64;
export const MAX_KEYS_PER_OBJECT = 1000;
export const MAX_KEYS_PER_BODY = 10000;
/** Keys that reach an object's prototype when a library copies them naively. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COLON = 0x3a; // :
const AMPERSAND = 0x26; // &
const COMMA = 0x2c; // ,

const FORBIDDEN_KEY_BYTES = FORBIDDEN_KEYS.map((key) => Buffer.from(key, 'latin1'));

export function tooDeep(): ProblemException {
  return new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    `The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`,
    { type: 'body-too-deep' },
  );
}

export function tooManyKeys(): ProblemException {
  return new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    `The request body has too many fields or items: at most ${MAX_KEYS_PER_OBJECT} in one object or array and ${MAX_KEYS_PER_BODY} in all.`,
    { type: 'too-many-keys' },
  );
}

function forbiddenKey(key: string): ProblemException {
  return new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    `The request body uses the reserved field name "${key}"; remove or rename it.`,
    { type: 'forbidden-key' },
  );
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Where the string starting at `start` ends (its closing quote, or the end of the text). */
function closingQuote(raw: Uint8Array, start: number): number {
  // indexOf is native: long strings are skipped at memory speed.
  let quote = raw.indexOf(QUOTE, start);
  while (quote !== -1) {
    let backslashes = 0;
    while (raw[quote - 1 - backslashes] === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    quote = raw.indexOf(QUOTE, quote + 1);
  }
  return raw.length;
}

/** The reserved key named by `raw[start, end)`, if it is one (escapes decoded). */
function reservedKey(raw: Uint8Array, start: number, end: number): string | null {
  const escaped = raw.subarray(start, end).includes(BACKSLASH);
  if (escaped) {
    let key: unknown;
    try {
      key = JSON.parse(
        Buffer.from(raw.buffer, raw.byteOffset + start - 1, end - start + 2).toString(),
      );
    } catch {
      return null; // not valid JSON: the parser answers 400
    }
    return FORBIDDEN_KEYS.includes(key as string) ? (key as string) : null;
  }
  const length = end - start;
  for (const candidate of FORBIDDEN_KEY_BYTES) {
    if (candidate.length !== length) continue;
    let same = true;
    for (let index = 0; index < length && same; index += 1) {
      same = raw[start + index] === candidate[index];
    }
    if (same) return candidate.toString('latin1');
  }
  return null;
}

/**
 * Throws the 422 problem when JSON text is nested too deep, has too many members (keys of an
 * object, items of an array: class-transformer walks both) in one container or in all, or
 * uses a reserved key. Brackets and quotes inside strings are skipped; a malformed text is
 * left for the parser to refuse.
 */
export function checkJsonShape(raw: Uint8Array): void {
  // Per open container: whether it is an object, how many members it has so far, and (for
  // an array) whether its first item is still to come.
  const isObject = new Uint8Array(MAX_BODY_DEPTH + 1);
  const members = new Uint32Array(MAX_BODY_DEPTH + 1);
  const awaitsFirstItem = new Uint8Array(MAX_BODY_DEPTH + 1);
  let depth = 0;
  let total = 0;
  const countMember = () => {
    members[depth] += 1;
    total += 1;
    if (members[depth] > MAX_KEYS_PER_OBJECT || total > MAX_KEYS_PER_BODY) throw tooManyKeys();
  };
  for (let index = 0; index < raw.length; index += 1) {
    const byte = raw[index];
    if (awaitsFirstItem[depth] && !isWhitespace(byte)) {
      awaitsFirstItem[depth] = 0;
      if (byte !== CLOSE_ARRAY) countMember();
    }
    if (byte === QUOTE) {
      const start = index + 1;
      index = closingQuote(raw, start);
      if (depth === 0 || !isObject[depth]) continue;
      let next = index + 1;
      while (next < raw.length && isWhitespace(raw[next])) next += 1;
      if (raw[next] !== COLON) continue; // a value, not a key
      countMember();
      const reserved = reservedKey(raw, start, index);
      if (reserved) throw forbiddenKey(reserved);
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth += 1;
      if (depth > MAX_BODY_DEPTH) throw tooDeep();
      isObject[depth] = byte === OPEN_OBJECT ? 1 : 0;
      awaitsFirstItem[depth] = byte === OPEN_ARRAY ? 1 : 0;
      members[depth] = 0;
    } else if (byte === COMMA && depth > 0 && !isObject[depth]) {
      countMember();
    } else if ((byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) && depth > 0) {
      awaitsFirstItem[depth] = 0;
      depth -= 1;
    }
  }
}

/** The keys of a form body (`a=1&b=2`), decoded; malformed escapes are kept as sent. */
function formKeys(raw: Uint8Array): string[] {
  const keys: string[] = [];
  let start = 0;
  for (let index = 0; index <= raw.length; index += 1) {
    if (index < raw.length && raw[index] !== AMPERSAND) continue;
    if (index > start) {
      const pair = Buffer.from(raw.buffer, raw.byteOffset + start, index - start).toString(
        'latin1',
      );
      if (keys.length === MAX_KEYS_PER_OBJECT) throw tooManyKeys();
      const name = pair.split('=', 1)[0].replace(/\+/g, ' ');
      try {
        keys.push(decodeURIComponent(name));
      } catch {
        keys.push(name);
      }
    }
    start = index + 1;
  }
  return keys;
}

/** Throws the 422 problem when a form body has too many fields or a reserved field name. */
export function checkFormShape(raw: Uint8Array): void {
  for (const key of formKeys(raw)) {
    // `a[__proto__]` is how nested names are written in forms: check every segment.
    const reserved = key.split(/[[\]]/).find((segment) => FORBIDDEN_KEYS.includes(segment));
    if (reserved) throw forbiddenKey(reserved);
  }
}

/** For the `verify` option of Express' JSON parser. */
export function verifyJsonBody(_request: unknown, _response: unknown, raw: Buffer): void {
  checkJsonShape(raw);
}

/** For the `verify` option of Express' urlencoded parser. */
export function verifyFormBody(_request: unknown, _response: unknown, raw: Buffer): void {
  checkFormShape(raw);
}
