import {
  BeforeApplicationShutdown,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { finalize, type Observable } from 'rxjs';
import type { AppConfig } from '../../config/app-config';

/**
 * How long handlers whose connections were cut get to clean up (an upload aborts its store
 * request and deletes its object) before the pool and the S3 client close.
 */
const CUT_CLEANUP_MS = 5_000;

/**
 * The server's side of a shutdown (SIGTERM/SIGINT, or `app.close()`), in `drain()`:
 * 1. the listener closes at once (new connections are refused; idle keep-alive ones close), and
 *    answers still being prepared, or requests arriving on an open connection, are sent with
 *    `Connection: close` so that their clients let go instead of idling;
 * 2. requests in flight get `SHUTDOWN_GRACE_MS` to finish;
 * 3. then the connections still open are cut. A handler keeps running after its connection is
 *    gone (an upload then aborts, deletes its object and leaves no row), so the drain also waits,
 *    briefly, for handlers to return: the pool and the S3 client close only after that.
 * Requests are tracked from the middleware (until their answer is sent or their connection
 * closes) and handlers from the interceptor (until they return or throw).
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown, NestInterceptor {
  private readonly logger = new Logger(GracefulShutdown.name);
  private readonly graceMs: number;
  private closing = false;
  private readonly pending = new Set<Response>();
  private runningHandlers = 0;
  private onChange?: () => void;
  private drained?: Promise<void>;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.graceMs = config.get('app', { infer: true }).shutdownGraceMs;
  }

  readonly middleware = (_request: Request, response: Response, next: NextFunction): void => {
    if (this.closing) response.setHeader('Connection', 'close');
    this.pending.add(response);
    const settle = () => {
      if (this.pending.delete(response)) this.onChange?.();
    };
    response.once('finish', settle);
    response.once('close', settle);
    next();
  };

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.runningHandlers += 1;
    return next.handle().pipe(
      finalize(() => {
        this.runningHandlers -= 1;
        this.onChange?.();
      }),
    );
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.drain();
  }

  /** Steps 1–3 above, once (main.ts calls it on a signal; `app.close()` calls it too). */
  drain(): Promise<void> {
    this.drained ??= this.drainOnce();
    return this.drained;
  }

  private async drainOnce(): Promise<void> {
    this.closing = true;
    for (const response of this.pending) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server?.listening) server.close();
    if (await this.idleWithin(this.graceMs, () => this.pending.size + this.runningHandlers)) {
      return;
    }
    this.logger.warn(
      `Still busy after the ${this.graceMs} ms shutdown grace (${this.pending.size} answer(s) ` +
        `unsent, ${this.runningHandlers} handler(s) running): their connections are cut`,
    );
    server?.closeAllConnections();
    if (!(await this.idleWithin(CUT_CLEANUP_MS, () => this.runningHandlers))) {
      this.logger.warn(`${this.runningHandlers} handler(s) still running at shutdown`);
    }
  }

  /** Whether `busy()` reaches 0 within `timeoutMs`. */
  private idleWithin(timeoutMs: number, busy: () => number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.onChange = undefined;
        resolve(idle);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.onChange = () => {
        if (busy() === 0) done(true);
      };
      this.onChange();
    });
  }
}
