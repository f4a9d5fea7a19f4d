import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import type { ProblemType } from './problem-types';

/** One item of a 422 answer: where (`["body", "email"]`), what, and which rule. */
export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** RFC 9457 problem document, the one error shape of this server. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const GENERIC_TYPE = 'about:blank';

export function problemType(slug: ProblemType): string {
  return `urn:lc-workflow:problem:${slug}`;
}

export interface ProblemOptions {
  /** A stable slug naming the problem (PROBLEM_TYPES), e.g. `illegal-transition`. */
  type?: ProblemType;
  errors?: FieldError[];
  /** Extra members for clients, e.g. `{ allowed_actions: [...] }`. */
  extensions?: Record<string, unknown>;
  /** Response headers that belong to the problem, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

/** Throw this from anywhere to answer with a problem document. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly detail: string,
    readonly problem: ProblemOptions = {},
  ) {
    super(detail, status);
  }
}

/** A problem answer stored earlier (idempotent replay), sent again as it was. */
export class ReplayedProblem extends HttpException {
  constructor(readonly document: unknown) {
    super('replayed problem', (document as ProblemDocument).status);
  }
}

/** A 422 lists at most this many `errors`; `errors_omitted` counts the rest. */
export const MAX_LISTED_ERRORS = 50;

export class ValidationProblem extends ProblemException {
  constructor(errors: FieldError[], detail?: string) {
    const listed = errors.slice(0, MAX_LISTED_ERRORS);
    const omitted = errors.length - listed.length;
    super(
      HttpStatus.UNPROCESSABLE_ENTITY,
      (detail ?? summariseErrors(listed)) + (omitted ? ` (${omitted} more not shown)` : ''),
      {
        type: 'validation-error',
        errors: listed,
        extensions: omitted ? { errors_omitted: omitted } : undefined,
      },
    );
  }
}

function summariseErrors(errors: FieldError[]): string {
  const first = errors[0];
  if (!first) return 'The request is not valid.';
  const where = first.loc.slice(1).join('.') || first.loc[0];
  const more =
    errors.length > 1
      ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})`
      : '';
  return `${where}: ${first.msg}${more}`;
}

export interface ProblemAnswer {
  document: ProblemDocument;
  headers: Record<string, string>;
  /** True for answers that hide an unexpected error, which must be logged. */
  unexpected: boolean;
}

function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function answer(status: number, detail: string, options: ProblemOptions = {}): ProblemAnswer {
  return {
    document: {
      type: options.type ? problemType(options.type) : GENERIC_TYPE,
      title: titleOf(status),
      status,
      detail,
      ...(options.errors ? { errors: options.errors } : {}),
      ...options.extensions,
    },
    headers: options.headers ?? {},
    unexpected: false,
  };
}

/** A fresh answer each time: the filter adds `instance` and `request_id` to the document. */
function unexpected(): ProblemAnswer {
  return {
    ...answer(
      500,
      'Something went wrong on our side. Please try again; if it persists, quote the request id.',
    ),
    unexpected: true,
  };
}

/** Maps any thrown value to the problem document the client gets. */
export function problemFromError(error: unknown): ProblemAnswer {
  if (error instanceof ReplayedProblem) {
    return { document: { ...(error.document as ProblemDocument) }, headers: {}, unexpected: false };
  }
  if (error instanceof ProblemException) {
    return answer(error.getStatus(), error.detail, error.problem);
  }
  if (error instanceof HttpException) return fromHttpException(error);
  if (error instanceof QueryFailedError) {
    if (isConnectionError(error.driverError)) return databaseUnavailable();
    return fromDatabaseError(error.driverError as PgError);
  }
  const bodyError = fromBodyParserError(error);
  if (bodyError) return bodyError;
  if (isConnectionError(error)) {
    // The S3 client's errors carry `$metadata`; a bare connection error is the database's.
    if (!(error as { $metadata?: unknown }).$metadata) return databaseUnavailable();
    return {
      ...answer(503, 'A service the server depends on is unavailable. Please try again shortly.'),
      unexpected: true,
    };
  }
  return unexpected();
}

/** The database refused, dropped or stopped answering (the client's deadlines ran out). */
function databaseUnavailable(): ProblemAnswer {
  return {
    ...answer(503, 'The database is not answering. Please try again shortly.', {
      type: 'database-unavailable',
      headers: { 'Retry-After': '5' },
    }),
    unexpected: true,
  };
}

function fromHttpException(error: HttpException): ProblemAnswer {
  const status = error.getStatus();
  const response = error.getResponse();
  let detail = error.message;
  if (typeof response === 'object' && response !== null) {
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) detail = message.join('; ');
    else if (typeof message === 'string') detail = message;
  } else if (typeof response === 'string') {
    detail = response;
  }
  if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /.test(detail)) {
    detail = 'No such route.';
  }
  const headers: Record<string, string> = {};
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
  return { ...answer(status, detail || titleOf(status)), headers, unexpected: status >= 500 };
}

interface HttpErrorLike {
  type?: string;
  status?: number;
  statusCode?: number;
  limit?: number;
}

/** Errors raised by Express' body parsers before any route runs. */
function fromBodyParserError(error: unknown): ProblemAnswer | undefined {
  const bodyError = error as HttpErrorLike | null;
  switch (bodyError?.type) {
    case 'entity.parse.failed':
      return answer(400, 'The request body is not valid JSON.', { type: 'malformed-body' });
    case 'entity.too.large':
      return answer(413, `The request body is larger than the limit of ${bodyError.limit} bytes.`, {
        type: 'body-too-large',
      });
    case 'parameters.too.many':
      return answer(422, 'The request body has too many fields.', { type: 'too-many-keys' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return answer(415, 'The request body uses an unsupported encoding or character set.');
    case 'request.aborted':
      return answer(400, 'The request was aborted by the client.');
    default:
      // A compressed body whose bytes do not decompress (zlib's error, given status 400).
      if (bodyError?.status === 400 && isDecompressionError(error)) {
        return answer(400, 'The request body could not be decompressed (Content-Encoding).', {
          type: 'malformed-body',
        });
      }
      return undefined;
  }
}

function isDecompressionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code.startsWith('ERR__ERROR'))
  );
}

interface PgError {
  code?: string;
  detail?: string;
  table?: string;
  column?: string;
  constraint?: string;
  message?: string;
}

/** Columns named in PostgreSQL's detail, e.g. `Key (lower((email)::text))=(a@b)`. */
function keyColumns(detail = ''): string[] {
  const key = /Key \((.+?)\)=\(/.exec(detail)?.[1] ?? '';
  const ignored = new Set(['lower', 'upper', 'text', 'varchar', 'character', 'varying']);
  return (key.match(/[a-z_][a-z0-9_]*/g) ?? []).filter((word) => !ignored.has(word));
}

/** `branches` → `branch`, `categories` → `category`, `users` → `user`. */
function humanTable(table = 'record'): string {
  const words = table.replace(/_/g, ' ');
  if (words.endsWith('ies')) return `${words.slice(0, -3)}y`;
  if (/(ch|sh|ss|x)es$/.test(words)) return words.slice(0, -2);
  return words.replace(/s$/, '');
}

function fromDatabaseError(error: PgError): ProblemAnswer {
  switch (error.code) {
    case '23505': {
      const columns = keyColumns(error.detail);
      const what = columns.length ? `the same ${columns.join(', ')}` : 'these values';
      return answer(409, `Another ${humanTable(error.table)} with ${what} already exists.`, {
        type: 'duplicate',
        extensions: columns.length ? { fields: columns } : undefined,
      });
    }
    case '23503': {
      const referencing = /is still referenced from table "([^"]+)"/.exec(error.detail ?? '')?.[1];
      if (referencing) {
        // On delete, `table` is the referencing table; the deleted row's table is only in the message.
        const referenced = /^update or delete on table "([^"]+)"/.exec(error.message ?? '')?.[1];
        return answer(
          409,
          `This ${humanTable(referenced)} is still referenced by ${referencing.replace(/_/g, ' ')}; remove or reassign those first.`,
          { type: 'still-referenced' },
        );
      }
      const [column = 'id'] = keyColumns(error.detail);
      return fieldProblem(column, 'refers to a record that does not exist', 'foreign_key');
    }
    case '23502':
      return fieldProblem(error.column ?? 'body', 'is required', 'missing');
    case '23514':
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
    case '22001':
    case '22021':
    case '22P05':
      return answer(422, 'A value in the request is out of range or malformed.', {
        type: 'validation-error',
        errors: [
          { loc: ['body'], msg: 'a value is out of range or malformed', type: 'value_error' },
        ],
      });
    case '40001':
    case '40P01':
    case '55P03':
      return answer(409, 'The record was being changed by another request. Please try again.', {
        type: 'concurrent-update',
      });
    case '57014':
      return {
        ...answer(503, 'The database took too long to answer. Please try again shortly.'),
        unexpected: true,
      };
    default:
      return unexpected();
  }
}

/** A 422 naming one body field, for database-level refusals that validation did not catch. */
function fieldProblem(field: string, msg: string, type: string): ProblemAnswer {
  return answer(422, `${field}: ${msg}`, {
    type: 'validation-error',
    errors: [{ loc: ['body', field], msg, type }],
  });
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ETIMEDOUT' ||
    code === 'ECONNRESET' ||
    code === '57P01' ||
    code === '57P03' ||
    code === '53300' ||
    // pg's own deadlines: pool acquire and connect (connectionTimeoutMillis), query_timeout.
    /timeout exceeded when trying to connect|Connection terminated|Query read timeout/i.test(
      (error as Error | null)?.message ?? '',
    )
  );
}
