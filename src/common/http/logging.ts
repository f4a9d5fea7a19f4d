import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';
import type { ApplicationConfig } from '../../config/app-config';

type LoggedRequest = IncomingMessage & { user?: { id: string }; originalUrl?: string };

/**
 * Structured JSON request logs: request id, user id when known, latency and status. Headers
 * and bodies are never logged, so tokens and passwords cannot leak through them.
 */
export function loggerParams(app: ApplicationConfig): Params {
  return {
    // Every route under the prefix (Express 5 path syntax; nestjs-pino's default `*` is not).
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: app.logLevel,
      genReqId: (request) => request.id ?? randomUUID(),
      customProps: (request) => {
        const user = (request as LoggedRequest).user;
        return user ? { user_id: user.id } : {};
      },
      serializers: {
        req: (request: LoggedRequest) => ({
          id: request.id,
          method: request.method,
          url: (request.originalUrl ?? request.url ?? '').split('?')[0],
        }),
        res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
      },
      redact: {
        paths: [
          '*.password',
          '*.new_password',
          '*.old_password',
          '*.refresh_token',
          '*.access_token',
          '*.authorization',
          // Query parameters of a failed SQL statement may hold personal data or secrets.
          'err.parameters',
          'err.driverError.parameters',
        ],
        censor: '[redacted]',
      },
      autoLogging: {
        ignore: (request) => ['/health', '/metrics'].includes((request.url ?? '').split('?')[0]),
      },
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500
          ? 'error'
          : response.statusCode >= 400
            ? 'warn'
            : 'info',
    },
  };
}
