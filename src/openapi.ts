/**
 * `npm run openapi [-- --out FILE]`: writes the OpenAPI document (default `openapi.json` in the
 * working directory) without a database, an object store or a network port: the same module and
 * document code as the server, in a Nest preview application, which instantiates nothing (no
 * provider, no connection). The configuration is fixed placeholders, not the environment, so the
 * file depends only on the code: generating twice gives the same bytes.
 */
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppModule } from './app.module';
import { useApiPrefix } from './app.setup';
import { buildOpenApiDocument } from './common/http/openapi';
import { prepareRuntime } from './runtime';

/** Enough configuration for the modules to be declared; nothing is ever reached. */
const PLACEHOLDER_ENV = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'silent',
  DATABASE_URL: 'postgres://openapi:openapi@127.0.0.1:9/openapi',
  MINIO_ENDPOINT: 'http://127.0.0.1:9',
  MINIO_ACCESS_KEY: 'openapi',
  MINIO_SECRET_KEY: 'openapi-placeholder',
  SECRET_KEY: 'openapi-placeholder-secret-key-0123456789',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
};

export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const { config } = await prepareRuntime(PLACEHOLDER_ENV);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    useApiPrefix(app);
    return buildOpenApiDocument(app, config.app);
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'openapi.json' } } });
  const file = resolve(values.out);
  writeFileSync(file, `${JSON.stringify(await generateOpenApiDocument(), null, 2)}\n`);
  process.stdout.write(`Wrote ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Could not write the OpenAPI document: ${(error as Error).stack}\n`);
  process.exit(1);
});
