import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Column encryption (AES-256-GCM) and blind index (HMAC-SHA256) for sensitive columns such
 * as `id_number`. Stored values look like `v1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url):
 * the key id lets old values stay readable while keys rotate.
 */

/** Where a value lives; authenticated with it, so a ciphertext moved elsewhere fails. */
export interface FieldContext {
  table: string;
  column: string;
  rowId: string;
}

/** A value that cannot be decrypted; the message never holds plaintext or key material. */
export class FieldCipherError extends Error {
  override readonly name = 'FieldCipherError';
}

interface DerivedKeys {
  id: string;
  encryption: Buffer;
  blindIndex: Buffer;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[0-9a-f]{8}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Dashes of every script (hyphen-minus, en and em dash...) and the minus sign. */
const DASHES = /[\p{Pd}\u2212]/gu;
/** Whitespace, plus the zero-width characters that Khmer text uses as word breaks. */
const SPACES = /[\s\u200b-\u200d\u2060\ufeff]/gu;

/**
 * The form an id number is hashed in, so that "ab-12 34" finds "AB1234". NFKC folds
 * full-width letters and digits onto ASCII.
 */
export function normaliseIdNumber(value: string): string {
  return value.normalize('NFKC').trim().toUpperCase().replace(SPACES, '').replace(DASHES, '');
}

export class FieldCipher {
  private readonly current: DerivedKeys;
  /** Current first, then previous keys in the order given. */
  private readonly keys: DerivedKeys[];
  private readonly byId = new Map<string, DerivedKeys>();

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    this.keys = [];
    for (const [index, master] of [currentKey, ...previousKeys].entries()) {
      if (master.length !== KEY_BYTES) {
        throw new Error(
          index === 0
            ? `The data encryption key must be ${KEY_BYTES} bytes`
            : `Previous data encryption key ${index} must be ${KEY_BYTES} bytes`,
        );
      }
      const keys = deriveKeys(master);
      const known = this.byId.get(keys.id);
      if (known) {
        // The same key listed twice (e.g. current also among the previous ones) is harmless.
        if (known.encryption.equals(keys.encryption)) continue;
        throw new Error(`Two data encryption keys share the key id ${keys.id}; generate a new key`);
      }
      this.byId.set(keys.id, keys);
      this.keys.push(keys);
    }
    this.current = this.keys[0];
  }

  /** Id of the key new values are encrypted with (safe to log: it reveals nothing of the key). */
  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string, context: FieldContext): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.encryption, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(additionalData(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      this.current.id,
      iv.toString('base64url'),
      ciphertext.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join(':');
  }

  decrypt(value: string, context: FieldContext): string {
    const parsed = parse(value);
    const keys = this.byId.get(parsed.keyId);
    if (!keys) {
      throw new FieldCipherError(
        `Encrypted value uses unknown key id ${parsed.keyId} (is its key missing from DATA_ENCRYPTION_KEYS_PREVIOUS?)`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', keys.encryption, parsed.iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(additionalData(context));
    decipher.setAuthTag(parsed.tag);
    try {
      return Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldCipherError(
        `Encrypted value of ${context.table}.${context.column} (row ${context.rowId}) failed authentication: tampered, or copied from another row or column`,
      );
    }
  }

  /** True when the value was encrypted under a key other than the current one. */
  needsReencryption(value: string): boolean {
    return parse(value).keyId !== this.current.id;
  }

  /** Keyed hash for exact-match search (hex), under the current key. */
  blindIndex(value: string): string {
    return hmac(this.current, value);
  }

  /** The hash under the current key and then each previous key: search matches during a rotation. */
  blindIndexCandidates(value: string): string[] {
    return this.keys.map((keys) => hmac(keys, value));
  }
}

/**
 * Separate keys for encryption and hashing, and a key id, all from one master key. The salt
 * is empty: the master key is already uniformly random (RFC 5869 §3.1).
 */
function deriveKeys(master: Buffer): DerivedKeys {
  const derive = (info: string, length: number) =>
    Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, length));
  return {
    id: derive('lc-workflow key id v1', 4).toString('hex'),
    encryption: derive('lc-workflow field encryption v1', KEY_BYTES),
    blindIndex: derive('lc-workflow blind index v1', KEY_BYTES),
  };
}

function hmac(keys: DerivedKeys, value: string): string {
  return createHmac('sha256', keys.blindIndex)
    .update(normaliseIdNumber(value), 'utf8')
    .digest('hex');
}

/** `table.column.rowId`; dots in the table or column would make two contexts look alike. */
function additionalData({ table, column, rowId }: FieldContext): Buffer {
  if (!/^[A-Za-z0-9_]+$/.test(table) || !/^[A-Za-z0-9_]+$/.test(column) || !rowId) {
    throw new FieldCipherError(
      'Field encryption needs a table and column name (letters, digits, _) and a row id',
    );
  }
  return Buffer.from(`${table}.${column}.${rowId}`, 'utf8');
}

function parse(value: string): { keyId: string; iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const parts = value.split(':');
  const malformed = () =>
    new FieldCipherError(
      'Encrypted value is malformed (expected v1:<keyId>:<iv>:<ciphertext>:<tag>)',
    );
  if (parts.length !== 5 || parts[0] !== VERSION || !KEY_ID.test(parts[1])) throw malformed();
  const [iv, ciphertext, tag] = parts.slice(2).map((part) => {
    const bytes = Buffer.from(part, 'base64url');
    // Canonical encoding only: Node ignores stray characters and padding bits, which would
    // let two different strings decrypt to the same value.
    if (!BASE64URL.test(part) || bytes.toString('base64url') !== part) throw malformed();
    return bytes;
  });
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw malformed();
  return { keyId: parts[1], iv, ciphertext, tag };
}
