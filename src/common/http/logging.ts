import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import { storage } from 'nestjs-pino/storage';
import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import type { ApplicationConfig } from '../../config/app-config';

type LoggedRequest = IncomingMessage & { user?: { id: string }; originalUrl?: string };

/** Requests whose success is never logged (probes, scrapes). */
const QUIET_PATHS = new Set(['/health', '/metrics']);

const SECRET_FIELDS = [
  'password',
  'new_password',
  'old_password',
  'refresh_token',
  'access_token',
  'authorization',
];
const REDACTED_PATHS = [
  // At the top of a logged object and one level down.
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  // Query parameters of a failed SQL statement may hold personal data or secrets.
  'err.parameters',
  'err.driverError.parameters',
];

function pathOf(request: LoggedRequest): string {
  return (request.originalUrl ?? request.url ?? '').split('?')[0];
}

/**
 * The root logger: structured JSON, headers and bodies never logged (so tokens and passwords
 * cannot leak through them), secrets redacted in whatever is logged.
 */
export function rootLogger(app: ApplicationConfig, destination?: DestinationStream): Logger {
  return pino(
    {
      level: app.logLevel,
      serializers: {
        req: (request: LoggedRequest) => ({
          id: request.id,
          method: request.method,
          url: pathOf(request),
        }),
        res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
      },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/**
 * nestjs-pino gives Nest's Logger (and PinoLogger) over our root logger; its own pino-http
 * middleware is not mounted (no routes): `requestLogging` below replaces it.
 */
export function loggerParams(app: ApplicationConfig): Params {
  return { pinoHttp: { logger: rootLogger(app) }, forRoutes: [] };
}

function levelFor(statusCode: number, aborted: boolean): Level {
  if (aborted || statusCode >= 500) return 'error';
  return statusCode >= 400 ? 'warn' : 'info';
}

/**
 * What nestjs-pino's Logger logs through during a request: a child logger bound to the request
 * (id, method, path, user id), made only when something is logged. pino-http made that child
 * (serialising and redacting its bindings) on every request, even at levels that log nothing.
 */
class RequestLogContext {
  private child?: Logger;
  responseLogger?: Logger = undefined;

  constructor(
    private readonly root: Logger,
    private readonly request: LoggedRequest,
  ) {}

  get logger(): Logger {
    if (!this.child) {
      const user = this.request.user;
      this.child = this.root.child(
        user ? { req: this.request, user_id: user.id } : { req: this.request },
      );
    }
    return this.child;
  }

  /** PinoLogger.assign() replaces it with a child of it. */
  set logger(value: Logger) {
    this.child = value;
  }
}

/**
 * One line per finished request (`request completed`, or `request errored` for a 5xx or a cut
 * connection) at info, warn (4xx) or error, with the request id, user id, status and latency;
 * nothing at all is built when the level would not be written. Mount after the request id.
 */
export function requestLogging(root: Logger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const context = new RequestLogContext(root, request);
    if (!QUIET_PATHS.has(pathOf(request))) {
      const started = performance.now();
      response.once('close', () => {
        const aborted = !response.writableFinished;
        const level = levelFor(response.statusCode, aborted);
        if (!root.isLevelEnabled(level)) return;
        const user = (request as LoggedRequest).user;
        const failed = aborted || response.statusCode >= 500;
        root[level](
          {
            req: request,
            ...(user ? { user_id: user.id } : {}),
            res: response,
            responseTime: Math.round(performance.now() - started),
          },
          failed ? 'request errored' : 'request completed',
        );
      });
    }
    storage.run(context, next);
  };
}

/** The request-logging middleware over the root logger that `loggerParams` gave the app. */
export function requestLoggingFor(app: INestApplication) {
  const params = app.get<Params>(PARAMS_PROVIDER_TOKEN);
  return requestLogging((params.pinoHttp as { logger: Logger }).logger);
}
