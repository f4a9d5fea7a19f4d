import { createHash, createHmac } from 'node:crypto';
import {
  FieldCipher,
  FieldCipherError,
  type FieldContext,
  normaliseIdNumber,
} from './field-cipher';

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
const KEY_C = Buffer.alloc(32, 0xc3);
const ROW = '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const CONTEXT: FieldContext = { table: 'customers', column: 'id_number', rowId: ROW };
const SECRET = 'ID-SECRET-0123456789';

/** The message of what `run` throws (fails the test when it does not throw). */
function errorOf(run: () => unknown): FieldCipherError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FieldCipherError);
    return error as FieldCipherError;
  }
  throw new Error('expected an error');
}

/** Replaces part `index` of a stored value with its bytes changed by `change`. */
function withPart(value: string, index: number, change: (bytes: Buffer) => Buffer): string {
  const parts = value.split(':');
  parts[index] = change(Buffer.from(parts[index], 'base64url')).toString('base64url');
  return parts.join(':');
}

const flipFirstByte = (bytes: Buffer) => {
  const copy = Buffer.from(bytes);
  copy[0] ^= 0x01;
  return copy;
};

describe('FieldCipher', () => {
  const cipher = new FieldCipher(KEY_A);

  describe('encrypt / decrypt', () => {
    it.each([
      ['an id number', 'N0123456789'],
      ['Khmer text', 'សុខ ដារ៉ា ០១២៣៤៥'],
      ['an empty string', ''],
      ['a long value with colons', 'a:b:c'.repeat(200)],
    ])('round-trips %s', (_label, plaintext) => {
      const stored = cipher.encrypt(plaintext, CONTEXT);
      expect(cipher.decrypt(stored, CONTEXT)).toBe(plaintext);
    });

    it('writes v1:<keyId>:<iv>:<ciphertext>:<tag> in base64url', () => {
      const stored = cipher.encrypt(SECRET, CONTEXT);
      expect(stored).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]*:[A-Za-z0-9_-]{22}$/);
      expect(stored.split(':')[1]).toBe(cipher.currentKeyId);
      expect(stored).not.toContain(SECRET);
    });

    it('encrypts the same plaintext differently each time (random IV)', () => {
      const first = cipher.encrypt(SECRET, CONTEXT);
      const second = cipher.encrypt(SECRET, CONTEXT);
      expect(first).not.toBe(second);
      expect(first.split(':')[2]).not.toBe(second.split(':')[2]);
    });

    it.each<[string, Partial<FieldContext>]>([
      ['another row', { rowId: '00000000-0000-4000-8000-000000000000' }],
      ['another column', { column: 'guarantor_id_number' }],
      ['another table', { table: 'customer_applications' }],
    ])('refuses a value copied to %s', (_label, change) => {
      const stored = cipher.encrypt(SECRET, CONTEXT);
      const error = errorOf(() => cipher.decrypt(stored, { ...CONTEXT, ...change }));
      expect(error.message).toMatch(/failed authentication/);
      expect(error.message).not.toContain(SECRET);
    });

    it.each([
      ['ciphertext', 3],
      ['tag', 4],
      ['iv', 2],
    ])('refuses a tampered %s', (_label, index) => {
      const stored = cipher.encrypt(SECRET, CONTEXT);
      const error = errorOf(() => cipher.decrypt(withPart(stored, index, flipFirstByte), CONTEXT));
      expect(error.message).toMatch(/failed authentication/);
      expect(error.message).not.toContain(SECRET);
    });

    it('refuses a value whose ciphertext was cut short', () => {
      const stored = cipher.encrypt(SECRET, CONTEXT);
      const cut = withPart(stored, 3, (bytes) => bytes.subarray(0, bytes.length - 1));
      expect(() => cipher.decrypt(cut, CONTEXT)).toThrow(FieldCipherError);
    });

    it('refuses a value under an unknown key id, naming the id', () => {
      const stored = new FieldCipher(KEY_B).encrypt(SECRET, CONTEXT);
      const error = errorOf(() => cipher.decrypt(stored, CONTEXT));
      expect(error.message).toContain(stored.split(':')[1]);
      expect(error.message).toMatch(/unknown key id/);
      expect(error.message).not.toContain(SECRET);
    });

    it.each([
      ['plaintext', SECRET],
      ['an empty string', ''],
      ['another version', 'v2:00000000:AAAAAAAAAAAAAAAA::AAAAAAAAAAAAAAAAAAAAAA'],
      ['a key id that is not 8 hex digits', 'v1:XYZ:AAAAAAAAAAAAAAAA::AAAAAAAAAAAAAAAAAAAAAA'],
      ['a short IV', 'v1:00000000:AAAA::AAAAAAAAAAAAAAAAAAAAAA'],
      ['a short tag', 'v1:00000000:AAAAAAAAAAAAAAAA::AAAA'],
      ['standard base64', 'v1:00000000:AAAAAAAAAAAAAAA+::AAAAAAAAAAAAAAAAAAAAAA'],
      ['too many parts', 'v1:00000000:AAAAAAAAAAAAAAAA:::AAAAAAAAAAAAAAAAAAAAAA'],
    ])('refuses a malformed value: %s', (_label, value) => {
      const error = errorOf(() => cipher.decrypt(value, CONTEXT));
      expect(error.message).toMatch(/malformed/);
      if (value) expect(error.message).not.toContain(value);
    });

    it('refuses a base64url part that is not canonical (unused bits set)', () => {
      const stored = cipher.encrypt('x', CONTEXT);
      const parts = stored.split(':');
      // One byte of ciphertext is two base64url characters; the last carries 4 unused bits.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(parts[3].at(-1)!);
      parts[3] = parts[3].slice(0, -1) + alphabet[last ^ 0x01];
      expect(Buffer.from(parts[3], 'base64url')).toEqual(
        Buffer.from(stored.split(':')[3], 'base64url'),
      );
      expect(() => cipher.decrypt(parts.join(':'), CONTEXT)).toThrow(/malformed/);
    });

    it('refuses a context with no row id, or a dotted table or column name', () => {
      for (const context of [
        { ...CONTEXT, rowId: '' },
        { ...CONTEXT, table: 'public.customers' },
        { ...CONTEXT, column: '' },
      ]) {
        const error = errorOf(() => cipher.encrypt(SECRET, context));
        expect(error.message).not.toContain(SECRET);
      }
    });

    it('never puts key material in an error message', () => {
      const stored = new FieldCipher(KEY_B).encrypt(SECRET, CONTEXT);
      for (const message of [
        errorOf(() => cipher.decrypt(stored, CONTEXT)).message,
        errorOf(() => cipher.decrypt(cipher.encrypt(SECRET, CONTEXT), { ...CONTEXT, rowId: 'x' }))
          .message,
      ]) {
        for (const key of [KEY_A, KEY_B]) {
          expect(message).not.toContain(key.toString('base64'));
          expect(message).not.toContain(key.toString('hex'));
        }
      }
    });
  });

  describe('key rotation', () => {
    it('reads values under a previous key and says they need re-encryption', () => {
      const old = new FieldCipher(KEY_A).encrypt(SECRET, CONTEXT);
      const rotated = new FieldCipher(KEY_B, [KEY_A]);
      expect(rotated.decrypt(old, CONTEXT)).toBe(SECRET);
      expect(rotated.needsReencryption(old)).toBe(true);

      const fresh = rotated.encrypt(SECRET, CONTEXT);
      expect(fresh.split(':')[1]).toBe(rotated.currentKeyId);
      expect(rotated.needsReencryption(fresh)).toBe(false);
      // Once the old key is dropped, the new values are still readable and the old ones not.
      const afterwards = new FieldCipher(KEY_B);
      expect(afterwards.decrypt(fresh, CONTEXT)).toBe(SECRET);
      expect(() => afterwards.decrypt(old, CONTEXT)).toThrow(/unknown key id/);
    });

    it('derives a stable key id per key that is not the key itself', () => {
      const a = new FieldCipher(KEY_A).currentKeyId;
      expect(new FieldCipher(KEY_A).currentKeyId).toBe(a);
      expect(new FieldCipher(KEY_B).currentKeyId).not.toBe(a);
      expect(a).toMatch(/^[0-9a-f]{8}$/);
      expect(KEY_A.toString('hex')).not.toContain(a);
    });

    it('accepts the current key listed again among the previous ones', () => {
      const cipherAB = new FieldCipher(KEY_A, [KEY_A, KEY_B]);
      expect(cipherAB.blindIndexCandidates('x')).toHaveLength(2);
    });

    it('refuses keys that are not 32 bytes', () => {
      expect(() => new FieldCipher(Buffer.alloc(16))).toThrow(/32 bytes/);
      expect(() => new FieldCipher(KEY_A, [Buffer.alloc(31)])).toThrow(/Previous .* 1 .*32 bytes/);
    });
  });

  describe('blind index', () => {
    it('is a deterministic hex HMAC-SHA256', () => {
      const hash = cipher.blindIndex('AB1234');
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(new FieldCipher(KEY_A).blindIndex('AB1234')).toBe(hash);
    });

    it('hashes the normalised id number', () => {
      expect(cipher.blindIndex('ab-12 34')).toBe(cipher.blindIndex('AB1234'));
      expect(cipher.blindIndex(' ab\u201312\t34 ')).toBe(cipher.blindIndex('AB1234'));
      expect(cipher.blindIndex('AB1235')).not.toBe(cipher.blindIndex('AB1234'));
    });

    it('differs from one key to another', () => {
      expect(new FieldCipher(KEY_B).blindIndex('AB1234')).not.toBe(cipher.blindIndex('AB1234'));
    });

    it('is not the plain SHA-256 of the value, nor derived from the encryption key alone', () => {
      const hash = cipher.blindIndex('AB1234');
      expect(hash).not.toBe(createHash('sha256').update('AB1234').digest('hex'));
      expect(hash).not.toBe(createHmac('sha256', KEY_A).update('AB1234').digest('hex'));
    });

    it('gives candidates under the current key, then each previous key in order', () => {
      const rotated = new FieldCipher(KEY_C, [KEY_B, KEY_A]);
      expect(rotated.blindIndexCandidates('ab-12 34')).toEqual([
        new FieldCipher(KEY_C).blindIndex('AB1234'),
        new FieldCipher(KEY_B).blindIndex('AB1234'),
        new FieldCipher(KEY_A).blindIndex('AB1234'),
      ]);
      expect(rotated.blindIndexCandidates('x')[0]).toBe(rotated.blindIndex('x'));
      expect(cipher.blindIndexCandidates('x')).toEqual([cipher.blindIndex('x')]);
    });
  });
});

describe('normaliseIdNumber', () => {
  it.each([
    ['ab-12 34', 'AB1234'],
    ['  n0123456  ', 'N0123456'],
    ['ab\u201312\u201434', 'AB1234'],
    ['12\u221234', '1234'],
    ['12\u00a034\t56\n', '123456'],
    ['\uff21\uff22\uff11\uff12', 'AB12'],
    ['០១២ ៣', '០១២៣'],
    ['', ''],
  ])('%p becomes %p', (value, expected) => {
    expect(normaliseIdNumber(value)).toBe(expected);
  });
});
