import {
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, Observable } from 'rxjs';
import { ProblemException, ValidationProblem } from './problem';

/** An If-Match header: `*` (any version) or the versions it lists. */
export type IfMatch = '*' | number[];

export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return '*';
  const versions = header.split(',').map((tag) => /^\s*(?:W\/)?"(\d+)"\s*$/.exec(tag)?.[1]);
  if (versions.some((version) => version === undefined)) {
    throw new ValidationProblem([
      { loc: ['header', 'if-match'], msg: 'must be an ETag such as "3"', type: 'etag' },
    ]);
  }
  return versions.map(Number);
}

/** `@IfMatch() ifMatch?: IfMatch` in a controller; pass it to the service. */
export const IfMatchHeader = createParamDecorator((_: unknown, context: ExecutionContext) =>
  parseIfMatch(context.switchToHttp().getRequest<Request>().header('if-match')),
);

/** Call with the record's current version inside the update's transaction: stale is 412. */
export function assertIfMatch(ifMatch: IfMatch | undefined, currentVersion: number): void {
  if (ifMatch === undefined || ifMatch === '*' || ifMatch.includes(currentVersion)) return;
  throw new ProblemException(
    HttpStatus.PRECONDITION_FAILED,
    `The record has changed since you read it (it is now at version ${currentVersion}). Reload it and try again.`,
    { type: 'precondition-failed', extensions: { current_version: currentVersion } },
  );
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Every answer that carries a record with a numeric `version` gets `ETag: "<version>"`,
 * so clients can send it back in If-Match without each controller setting it.
 */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version === 'number' && context.getType() === 'http') {
          const response = context.switchToHttp().getResponse<Response>();
          if (!response.headersSent) response.setHeader('ETag', etagOf(version));
        }
        return body;
      }),
    );
  }
}
