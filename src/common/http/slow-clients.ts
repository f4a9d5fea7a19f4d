import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import type { ApplicationConfig } from '../../config/app-config';
import { ProblemException } from './problem';
import { sendProblem } from './problem.filter';

/** How many samples of the bytes received one window holds. */
const SAMPLES_PER_WINDOW = 6;

/**
 * Node's own limits for clients that hold a connection without finishing their request: the
 * headers must arrive within `headersTimeoutMs` (checked every second); the whole request has
 * no deadline (`requestTimeout` off), since a large photo over a slow branch link may take
 * minutes. The body's pace is watched instead (`bodyRateLimit`).
 */
export function limitSlowClients(server: Server, config: ApplicationConfig): void {
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = 0;
  // Node reads it when the server starts listening (not typed); its default, 30 s, would make
  // the headers limit imprecise.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 1000;
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (!!length && length !== '0');
}

/**
 * Cuts a request whose body arrives slower than `minBytes` over any window of `windowMs`
 * (sampled every sixth of a window), so that a client cannot hold a connection and the work
 * behind it by trickling bytes: a 408 problem when an answer can still be written, otherwise
 * the socket is closed.
 */
export function bodyRateLimit(minBytes: number, windowMs: number) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (minBytes === 0 || !hasBody(request)) return next();
    const socket = request.socket;
    const samples = [socket.bytesRead];
    const timer = setInterval(() => {
      if (request.complete) return stop();
      samples.push(socket.bytesRead);
      if (samples.length <= SAMPLES_PER_WINDOW) return;
      samples.shift();
      if (samples[SAMPLES_PER_WINDOW - 1] - samples[0] >= minBytes) return;
      stop();
      cut();
    }, windowMs / SAMPLES_PER_WINDOW);
    timer.unref();
    const stop = () => clearInterval(timer);
    const cut = () => {
      if (response.headersSent) {
        socket.destroy();
        return;
      }
      response.setHeader('Connection', 'close');
      response.on('finish', () => socket.destroy());
      sendProblem(
        request,
        response,
        new ProblemException(
          HttpStatus.REQUEST_TIMEOUT,
          `The request body arrived too slowly (less than ${minBytes} bytes in ${windowMs / 1000} s).`,
          { type: 'body-too-slow' },
        ),
      );
    };
    request.once('end', stop);
    request.once('close', stop);
    next();
  };
}
