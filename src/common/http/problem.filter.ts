import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { problemFromError } from './problem';

const logger = new Logger('HttpError');

/** Answers with the problem document for `error`; logs what the client must not see. */
export function sendProblem(request: Request, response: Response, error: unknown): void {
  const { document, headers, unexpected } = problemFromError(error);
  const requestId = request.id === undefined ? undefined : String(request.id);
  if (unexpected) {
    logger.error({ err: error, request_id: requestId }, 'Request failed unexpectedly');
  }
  if (response.headersSent) {
    // A streamed answer broke half-way: the client can only notice a cut connection.
    response.destroy();
    return;
  }
  document.instance = request.originalUrl.split('?')[0];
  if (requestId) document.request_id = requestId;
  response
    .status(document.status)
    .set(headers)
    .type('application/problem+json')
    .send(JSON.stringify(document));
}

/** The one global filter: every error leaves the server as an RFC 9457 problem document. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getRequest<Request>(), http.getResponse<Response>(), error);
  }
}
