import { HttpStatus } from '@nestjs/common';
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ProblemDocument, problemType } from './problem';

interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
}

/** Heads Node refuses, by its error code: the status it answers them with, and why. */
const HEAD_PROBLEMS: Record<string, { status: number; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, detail: 'The request head is too large.' },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: HttpStatus.REQUEST_TIMEOUT,
    detail: 'The request head did not arrive in time.',
  },
};
const UNREADABLE_HEAD = {
  status: HttpStatus.BAD_REQUEST,
  detail: 'The request could not be read as HTTP/1.1.',
};

/**
 * The problem document for a request Node could not read. One already handed to the
 * application broke in its body (it ended before its Content-Length, or its chunks were
 * malformed): 400, `malformed-multipart` for a form (an upload), `malformed-body` otherwise.
 * A head that could not be read gets Node's own status (400, 431 or 408).
 */
export function clientErrorProblem(
  error: NodeJS.ErrnoException,
  dispatched: IncomingMessage | undefined,
): ProblemDocument {
  if (dispatched) {
    const form = /^multipart\/form-data/i.test(dispatched.headers['content-type'] ?? '');
    return {
      type: problemType(form ? 'malformed-multipart' : 'malformed-body'),
      title: STATUS_CODES[HttpStatus.BAD_REQUEST]!,
      status: HttpStatus.BAD_REQUEST,
      detail: `The request ended before its body did, or its body was malformed. Nothing was kept; send it again.`,
    };
  }
  const { status, detail } = HEAD_PROBLEMS[error.code ?? ''] ?? UNREADABLE_HEAD;
  return { type: 'about:blank', title: STATUS_CODES[status]!, status, detail };
}

/**
 * Node answers what it cannot parse with a bare "400 Bad Request" and no body, and drops the
 * answer the application was about to give. Here it is a problem document like every other
 * error: written to the request in flight when there is one (the application's clean-up still
 * runs: it sees its request aborted, and its own late answer is dropped), else straight to the
 * socket. The connection is closed afterwards.
 */
export function answerClientErrors(server: Server): void {
  const inFlight = new WeakMap<Duplex, Exchange>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) =>
    inFlight.set(request.socket, { request, response }),
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const exchange = inFlight.get(socket);
    const pending = exchange && !exchange.response.writableEnded ? exchange : undefined;
    if (!socket.writable || pending?.response.headersSent) {
      socket.destroy(error);
      return;
    }
    const document = clientErrorProblem(error, pending?.request);
    const body = JSON.stringify(document);
    const headers = {
      'Content-Type': 'application/problem+json',
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'no-store',
      Connection: 'close',
    };
    if (pending) {
      pending.response.writeHead(document.status, headers);
      // Once answered, the request is detached from its socket: destroying it is what tells
      // the application (its stream closes unfinished), then the connection goes.
      pending.response.end(body, () => {
        pending.request.destroy();
        socket.destroy();
      });
      return;
    }
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 ${document.status} ${document.title}\r\n${head}\r\n${body}`);
  });
}
