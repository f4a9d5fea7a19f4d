import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Lets keep-alive clients go when the server shuts down. Nest closes the HTTP server (no new
 * connections; in-flight requests finish), but a connection that was busy at that moment
 * would then linger idle until its keep-alive timeout. Answers still being prepared, and any
 * request arriving on an open connection, are sent with `Connection: close` instead.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown {
  private closing = false;
  private readonly pending = new Set<Response>();

  readonly middleware = (_request: Request, response: Response, next: NextFunction): void => {
    if (this.closing) {
      response.setHeader('Connection', 'close');
    } else {
      this.pending.add(response);
      response.once('finish', () => this.pending.delete(response));
      response.once('close', () => this.pending.delete(response));
    }
    next();
  };

  beforeApplicationShutdown(): void {
    this.closing = true;
    for (const response of this.pending) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    this.pending.clear();
  }
}
