/**
 * OpenTelemetry traces. Loaded before the server's own modules, so that the instrumentations can
 * patch http, express, pg, ioredis and the AWS SDK as they are first required:
 * `node -r ./dist/src/tracing.js dist/src/main.js` (what `npm start` and the Docker image run).
 *
 * Off, and close to free (no OpenTelemetry module is even loaded), unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. Spans go as OTLP/HTTP JSON to `<endpoint>/v1/traces`; the
 * other OTEL_* variables of the SDK apply (OTEL_SERVICE_NAME, OTEL_BSP_*, OTEL_TRACES_SAMPLER,
 * OTEL_EXPORTER_OTLP_HEADERS...). Metrics stay on /metrics and logs on stdout.
 *
 * What a span may carry: the request id (`lc.request_id`), method, route, status, SQL text
 * (values are bind parameters, never recorded), Redis command names, S3 operations. Never
 * headers (Authorization, Cookie), bodies, SQL parameter values or Redis arguments.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import { loadDotEnv } from './config/dotenv';
import { beforeExit } from './exit-hooks';

/** The span attribute that carries the request's X-Request-Id (the id in logs and problems). */
export const REQUEST_ID_ATTRIBUTE = 'lc.request_id';
export const DEFAULT_SERVICE_NAME = 'lc-workflow-server';
/** Probes and scrapes are not traced (nor the queries they make). */
const UNTRACED_PATHS = new Set(['/health', '/api/v1/health', '/metrics']);
/** How long the exit waits for the last spans to reach the collector. */
const FLUSH_TIMEOUT_MS = 3_000;

/** On the HTTP server span, once the response is done: the id the response carried. */
function tagRequestId(span: Span, _request: unknown, response: unknown): void {
  const header = (response as Partial<ServerResponse>).getHeader?.('x-request-id');
  if (typeof header === 'string') span.setAttribute(REQUEST_ID_ATTRIBUTE, header);
}

/** S3 requests (signed headers or presigned URLs) reach only the embedded S3 server. */
const S3_SIGNATURE = /^AWS4-HMAC-SHA256 |[?&]X-Amz-Signature=/i;

function isUntraced(request: IncomingMessage): boolean {
  const url = request.url ?? '';
  if (UNTRACED_PATHS.has(url.split('?')[0])) return true;
  // In development the embedded S3 server runs in this process: its requests are not the API's.
  return S3_SIGNATURE.test(request.headers.authorization ?? '') || S3_SIGNATURE.test(url);
}

/** Starts the SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set; undefined (and nothing loaded) if not. */
export function startTracing(env: NodeJS.ProcessEnv = process.env): NodeSDK | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()) return undefined;
  // Required here, not imported: with tracing off, none of this is loaded.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } =
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation, ExpressLayerType } =
    require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } =
    require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  const { AwsInstrumentation } =
    require('@opentelemetry/instrumentation-aws-sdk') as typeof import('@opentelemetry/instrumentation-aws-sdk');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
    traceExporter: new OTLPTraceExporter(),
    // Empty on purpose: otherwise the SDK also exports metrics and logs by OTLP by default.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // No headersToSpanAttributes: no header (Authorization, Cookie, X-Setup-Token) is recorded.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: isUntraced,
        applyCustomAttributesOnSpan: tagRequestId,
      }),
      // Route handlers only: a span per middleware (~15 a request) would say little.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      // SQL text only: values travel as bind parameters, which enhancedDatabaseReporting would
      // record. Queries outside a request (periodic jobs, settings refresh) make no trace.
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
      // Command names only: rate-limit keys name users and client addresses.
      new IORedisInstrumentation({
        requireParentSpan: true,
        dbStatementSerializer: (command) => command,
      }),
      // One span per S3 call, not a second one for its HTTP request.
      new AwsInstrumentation({ suppressInternalInstrumentation: true }),
    ],
  });
  sdk.start();
  beforeExit(() => shutdownWithin(sdk, FLUSH_TIMEOUT_MS));
  return sdk;
}

/** Flushes and stops the SDK, giving up after `timeoutMs` (a collector that is down). */
function shutdownWithin(sdk: NodeSDK, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  return Promise.race([sdk.shutdown().catch(() => undefined), timeout]).finally(() =>
    clearTimeout(timer),
  );
}

// The preload runs before main.ts reads `.env`: read it here too (real variables still win).
loadDotEnv();
startTracing();
