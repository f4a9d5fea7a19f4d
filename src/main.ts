import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { GracefulShutdown } from './common/http/graceful-shutdown';
import { ConfigValidationError } from './config/environment';
import { loadDotEnv } from './config/dotenv';
import { runBeforeExitHooks } from './exit-hooks';
import { prepareRuntime, type Runtime } from './runtime';

async function bootstrap(): Promise<void> {
  loadDotEnv();
  let runtime: Runtime;
  try {
    runtime = await prepareRuntime();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`Configuration error, the server cannot start:\n`);
      for (const problem of error.problems) process.stderr.write(`  - ${problem}\n`);
      process.exit(1);
    }
    process.stderr.write(`The server cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const { config } = runtime;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
  }).catch(async (error: unknown) => {
    await runtime.stop();
    throw error;
  });
  configureApp(app, config);
  const logger = app.get(Logger);
  for (const notice of runtime.notices) logger.log(notice, 'Runtime');

  // On SIGINT/SIGTERM: stop accepting at once, give in-flight requests SHUTDOWN_GRACE_MS, cut
  // what is left (GracefulShutdown), close the pool and the S3 client (Nest's close order), stop
  // the embedded services, then flush what must leave the process (the last spans, when tracing
  // is on). A second signal exits at once.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received, shutting down`, 'Runtime');
      process.once(signal, () => process.exit(1));
      void app
        .get(GracefulShutdown)
        .drain()
        .then(() => app.close())
        .finally(() => runtime.stop())
        .finally(() => runBeforeExitHooks())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  }

  try {
    await app.listen(config.app.port, '0.0.0.0');
  } catch (error) {
    // E.g. the port is taken: say so in one line, and stop the embedded services first.
    await app.close().catch(() => undefined);
    await runtime.stop();
    process.stderr.write(`The server cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  logger.log(`Listening on http://localhost:${config.app.port} (docs at /docs)`, 'Runtime');
}

void bootstrap().catch((error: unknown) => {
  process.stderr.write(`The server stopped: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
