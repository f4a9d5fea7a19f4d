import type { NextFunction, Request, Response } from 'express';

/** `/api/v1/users/` is served as `/api/v1/users`, without a redirect. */
export function trailingSlashMiddleware(
  request: Request,
  _response: Response,
  next: NextFunction,
): void {
  const queryStart = request.url.indexOf('?');
  const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  if (path.length > 1 && path.endsWith('/')) {
    const trimmed = path.replace(/\/+$/, '') || '/';
    request.url = trimmed + (queryStart === -1 ? '' : request.url.slice(queryStart));
  }
  next();
}
