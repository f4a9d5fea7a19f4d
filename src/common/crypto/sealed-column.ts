/**
 * A sealed column: its values encrypted by FieldCipher, each authenticated with its table,
 * column and row id (so a ciphertext copied elsewhere fails), and their blind index in a column
 * beside it for exact-match search. The module that owns the table declares each sealed column
 * once, beside its entity; that one definition gives the encryption context and tells
 * `npm run cli -- reencrypt` (reencrypt.ts) what to rewrite after a key rotation.
 */
import type { FieldCipher, FieldContext } from './field-cipher';

export interface SealedColumn {
  /** The table, as SQL names it. */
  readonly table: string;
  /** The column of the ciphertext. */
  readonly column: string;
  /** The column of its blind index. */
  readonly hash: string;
}

/** A value as stored: the ciphertext and its blind index. */
export interface SealedValue {
  value: string;
  hash: string;
}

/** Where a value of the column lives: what its ciphertext is authenticated with. */
export function sealContext(sealed: SealedColumn, rowId: string): FieldContext {
  return { table: sealed.table, column: sealed.column, rowId };
}

/** Encrypts a clear value for one row of the column, with its blind index. */
export function seal(
  cipher: FieldCipher,
  sealed: SealedColumn,
  rowId: string,
  clear: string,
): SealedValue {
  return {
    value: cipher.encrypt(clear, sealContext(sealed, rowId)),
    hash: cipher.blindIndex(clear),
  };
}

/** The clear value of a ciphertext of one row of the column. */
export function unseal(
  cipher: FieldCipher,
  sealed: SealedColumn,
  rowId: string,
  value: string,
): string {
  return cipher.decrypt(value, sealContext(sealed, rowId));
}
