/**
 * The rules of a direct upload's multipart form (`POST /files/upload`), pure: which form fields
 * may come before the file part and how they meet the query string, the parser's limits, and
 * the problem documents of a refused upload. direct-upload.ts applies them to the stream.
 */
import { HttpStatus } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { type FieldError, ProblemException, ValidationProblem } from '../common/http/problem';
import type { UploadTargetRequest } from './upload-target';

/** The form fields (and query parameters) that say where the file goes. */
export const TARGET_FIELDS = ['application_id', 'folder_id', 'document_type'] as const;
export type TargetField = (typeof TARGET_FIELDS)[number];

/** The multipart part that carries the file. */
export const FILE_PART = 'file';

/** Room for the part headers and the target fields around the file, in bytes. */
export const FORM_OVERHEAD_BYTES = 64 * 1024;

/** busboy's limits for an upload of at most `maxFileSize` bytes. */
export function uploadLimits(maxFileSize: number) {
  return {
    // One byte more than allowed: busboy reports `limit` when a file reaches it exactly.
    fileSize: maxFileSize + 1,
    files: 1,
    fields: TARGET_FIELDS.length,
    parts: TARGET_FIELDS.length + 2,
    fieldNameSize: 100,
    fieldSize: 1024,
    headerPairs: 20,
  };
}

const isTargetField = (name: string): name is TargetField =>
  (TARGET_FIELDS as readonly string[]).includes(name);

/**
 * Where the file goes, from the query string (already validated) and the form fields sent
 * before the file part. A field may repeat a query parameter with the same value; an unknown
 * field, a field given twice, a malformed id or a value that disagrees with the query is 422.
 * Blank values mean "not given".
 */
export function targetFromForm(
  query: UploadTargetRequest,
  fields: readonly (readonly [name: string, value: string])[],
): UploadTargetRequest {
  const errors: FieldError[] = [];
  const fromForm: Partial<Record<TargetField, string>> = {};
  for (const [name, raw] of fields) {
    const loc = ['form', name];
    if (!isTargetField(name)) {
      errors.push({ loc, msg: 'is not an allowed field', type: 'unknown_field' });
      continue;
    }
    if (fromForm[name] !== undefined) {
      errors.push({ loc, msg: 'is given twice', type: 'value_error' });
      continue;
    }
    const isId = name !== 'document_type';
    const value = isId ? raw.trim().toLowerCase() : raw.trim();
    if (value === '') continue;
    if (isId && !isUUID(value)) {
      errors.push({ loc, msg: 'must be a UUID', type: 'isUuid' });
      continue;
    }
    const fromQuery = isId ? query[name]?.toLowerCase() : query[name];
    if (fromQuery && fromQuery !== value) {
      errors.push({ loc, msg: `disagrees with the query parameter ${name}`, type: 'conflict' });
      continue;
    }
    fromForm[name] = value;
  }
  if (errors.length) throw new ValidationProblem(errors);
  const target: UploadTargetRequest = {};
  for (const name of TARGET_FIELDS) {
    const fromQuery = query[name] || null;
    const value =
      fromForm[name] ??
      (fromQuery && name !== 'document_type' ? fromQuery.toLowerCase() : fromQuery);
    if (value !== null) target[name] = value;
  }
  return target;
}

// --- the problems of a refused upload --------------------------------------------------------

const formProblem = (detail: string, loc: (string | number)[] = ['form']) =>
  new ValidationProblem([{ loc, msg: detail, type: 'value_error' }], detail);

export const uploadProblems = {
  notMultipart: () =>
    new ProblemException(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'Send the file as multipart/form-data with one part named "file".',
    ),
  missingFile: () =>
    formProblem('The form has no part named "file": send the file in a part named "file".', [
      'form',
      FILE_PART,
    ]),
  wrongPartName: (name: string) =>
    formProblem(`The file part is named "${name}"; name it "file" (one file per request).`, [
      'form',
      name,
    ]),
  twoFiles: () =>
    formProblem('The form holds more than one file: upload one file per request.', [
      'form',
      FILE_PART,
    ]),
  emptyFile: () => formProblem('The file is empty.', ['form', FILE_PART]),
  fieldAfterFile: (name: string) =>
    formProblem(
      `The form field "${name}" comes after the file part: put application_id, folder_id and document_type before the file (or in the query string). Nothing was kept.`,
      ['form', name],
    ),
  tooManyFields: () =>
    formProblem(
      `The form has too many fields: only ${TARGET_FIELDS.join(', ')} may come before the file.`,
    ),
  fieldTooLong: (name: string) =>
    formProblem(`The form field "${name}" is too long.`, ['form', name]),
  tooLarge: (maxFileSize: number) =>
    new ProblemException(
      HttpStatus.PAYLOAD_TOO_LARGE,
      `The file is larger than the limit of ${maxFileSize} bytes. Nothing was kept.`,
      { type: 'file-too-large', extensions: { max_file_size: maxFileSize } },
    ),
  notAllowedType: (detail: string) =>
    new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, detail, {
      type: 'file-type-not-allowed',
    }),
  malformed: (why: string) =>
    new ProblemException(
      HttpStatus.BAD_REQUEST,
      `The multipart body is malformed or truncated (${why}). Nothing was kept; send the file again.`,
      { type: 'malformed-multipart' },
    ),
};

// --- what passes through -----------------------------------------------------------------------

/** Passes bytes through unchanged while counting them and computing their SHA-256. */
export class HashingCounter extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** The hex SHA-256 of what passed (once the stream has ended). */
  digest(): string {
    return this.hash.digest('hex');
  }
}
