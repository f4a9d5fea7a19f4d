import { type INestApplication, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { json, Router, urlencoded } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { GracefulShutdown } from './common/http/graceful-shutdown';
import { MAX_KEYS_PER_OBJECT, verifyFormBody, verifyJsonBody } from './common/http/body-limits';
import { sendProblem } from './common/http/problem.filter';
import { requestLoggingFor } from './common/http/logging';
import { requestIdMiddleware } from './common/http/request-id';
import { answerClientErrors } from './common/http/client-errors';
import { setupOpenApi } from './common/http/openapi';
import { bodyRateLimit, limitSlowClients } from './common/http/slow-clients';
import { trailingSlashMiddleware } from './common/http/trailing-slash';
import { useNestContainerForValidators } from './common/validation/validator-container';
import type { AppConfig } from './config/app-config';
import { MetricsService } from './health/metrics.service';

export const API_PREFIX = 'api/v1';

const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'If-Match',
  'Idempotency-Key',
  'X-Request-Id',
];
const CORS_EXPOSED_HEADERS = [
  'ETag',
  'X-Request-Id',
  'Retry-After',
  'Idempotent-Replayed',
  'Content-Disposition',
];

/**
 * Everything about the HTTP surface that is not a module: used by main.ts and by the e2e
 * tests alike, so the tests exercise the real set-up. Create the app with
 * `{ bodyParser: false, bufferLogs: true }`.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.app.trustProxy);
  app.disable('x-powered-by');
  // No weak ETags hashed from every body: records carry their version ETag (EtagInterceptor) and
  // thumbnails their own; lists and other answers carry none. A matching If-None-Match on a
  // record still answers 304 (Express checks freshness against the ETag that is set).
  app.set('etag', false);
  // Validators that read settings (@InCatalog) are Nest providers.
  useNestContainerForValidators(app);

  // Order matters: the request id first, so that even a refused body is answered (and logged)
  // with it; then the request's log context.
  app.use(requestIdMiddleware);
  app.use(requestLoggingFor(app));
  limitSlowClients(app.getHttpServer(), config.app);
  answerClientErrors(app.getHttpServer());
  app.use(bodyRateLimit(config.app.bodyMinBytesPerWindow, config.app.bodyRateWindowMs));
  app.use(app.get(GracefulShutdown).middleware);
  app.use(app.get(MetricsService).middleware);
  app.use(trailingSlashMiddleware);
  app.use(
    helmet({
      // Swagger UI's inline styles and data: images; everything else stays default-strict.
      contentSecurityPolicy: {
        directives: {
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
        },
      },
    }),
  );
  app.enableCors({
    origin: config.app.allowedOrigins,
    credentials: true,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  });
  // Bodies are checked on their raw bytes (depth, number of keys, reserved keys) before parsing.
  app.use(json({ limit: config.app.bodyLimitBytes, verify: verifyJsonBody }));
  app.use(
    urlencoded({
      extended: false,
      limit: config.app.bodyLimitBytes,
      parameterLimit: MAX_KEYS_PER_OBJECT,
      verify: verifyFormBody,
    }),
  );
  // Body-parser errors happen before routing: answer them with the same problem documents.
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) return next(error);
    sendProblem(request, response, error);
  });
  // Liveness touches nothing, not even the guards: a plain Express route.
  app.use(Router().get('/health', (_request, response) => void response.json({ status: 'ok' })));

  useApiPrefix(app);
  setupOpenApi(app, config.app);
}

/** Every route under /api/v1 but the service's name (`/`) and `/metrics`. */
export function useApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: '/', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
}
