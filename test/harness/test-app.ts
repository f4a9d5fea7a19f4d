import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import type { Role } from '../../src/common/auth/permissions';
import type { AppConfig } from '../../src/config/app-config';
import type { Env } from '../../src/config/environment';
import { prepareRuntime } from '../../src/runtime';
import { StorageService } from '../../src/storage/storage.service';
import { type Actor, signIn, type UserOverrides } from './identity';
import { withClient } from './pg';
import { asApplicationRole, asOwner, databaseUrl, loadState } from './state';

export const TEST_SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** supertest bound to the app's HTTP server. */
  http: TestAgent;
  /** The server's own pool: the application role, as the server runs its queries. */
  dataSource: DataSource;
  /** SQL as the schema owner (superuser), for what the server itself may not do. */
  ownerQuery<T = unknown>(sql: string, parameters?: unknown[]): Promise<T[]>;
  storage: StorageService;
  databaseName: string;
  /** A new user (of `role`, or with these fields) and a bearer header for a real session. */
  signIn(roleOrFields: Role | UserOverrides): Promise<Actor>;
  close(): Promise<void>;
}

type ModuleImport = Type<unknown> | DynamicModule;

/** Holds the app module and whatever test-only modules a suite adds. */
@Module({})
class TestRootModule {}

let counter = 0;

function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid}_${counter}_${randomBytes(3).toString('hex')}`;
}

/** A fresh database cloned from the migrated template; dropped by `close()`. */
export async function cloneDatabase(): Promise<{
  name: string;
  url: string;
  drop(): Promise<void>;
}> {
  const state = loadState();
  const name = uniqueName(`${state.template}_`);
  await withClient(state.adminUrl, (admin) =>
    admin.query(`CREATE DATABASE "${name}" TEMPLATE "${state.template}"`),
  );
  return {
    name,
    url: databaseUrl(state.adminUrl, name),
    drop: async () => {
      await withClient(state.adminUrl, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

/** The environment of a test app: its own database and bucket, quiet logs, cheap bcrypt. */
export function testEnvironment(databaseUrlValue: string, overrides: Env = {}): Env {
  const { s3, workDir } = loadState();
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: workDir,
    // The pool logs in as the application role; start-up migrations run as the owner.
    DATABASE_URL: asApplicationRole(databaseUrlValue),
    DATABASE_MIGRATION_URL: asOwner(databaseUrlValue),
    DATABASE_POOL_SIZE: '5',
    SECRET_KEY: TEST_SECRET_KEY,
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    MINIO_ENDPOINT: s3.endpoint,
    MINIO_ACCESS_KEY: s3.accessKeyId,
    MINIO_SECRET_KEY: s3.secretAccessKey,
    MINIO_BUCKET_NAME: uniqueName('test-').replace(/_/g, '-'),
    BCRYPT_ROUNDS: '4',
    THROTTLE_LIMIT: '100000',
    LOGIN_THROTTLE_LIMIT: '100000',
    // Suites fire bursts of logins at once; the overload suite sets its own bound.
    PASSWORD_HASH_QUEUE_MAX: '1000',
    SHUTDOWN_GRACE_MS: '2000',
    ...overrides,
  };
}

/**
 * A complete app (the same module and HTTP set-up as `npm start`) over its own database
 * and bucket. Pass `env` to change configuration, and `database` (another app's
 * `databaseName` and `config.database.url`) to run a second instance on that database: it is
 * then not cloned, nor dropped by `close()`. Close such an app before the owner of the database.
 */
export async function createTestApp(
  options: { env?: Env; imports?: ModuleImport[]; database?: { name: string; url: string } } = {},
): Promise<TestApp> {
  const database = options.database
    ? { ...options.database, drop: () => Promise.resolve() }
    : await cloneDatabase();
  try {
    const runtime = await prepareRuntime(testEnvironment(database.url, options.env));
    const config = runtime.config;
    config.storage.s3rverCompatibility = loadState().s3.s3rver;
    const root: DynamicModule = {
      module: TestRootModule,
      imports: [AppModule.forRoot(config), ...(options.imports ?? [])],
    };
    const app = await NestFactory.create<NestExpressApplication>(root, {
      bodyParser: false,
      bufferLogs: true,
      abortOnError: false,
    });
    configureApp(app, config);
    await app.init();
    let owner: Client | undefined;
    return {
      app,
      config,
      http: request(app.getHttpServer()),
      dataSource: app.get(DataSource),
      ownerQuery: async <T>(sql: string, parameters?: unknown[]) => {
        if (!owner) {
          owner = new Client({ connectionString: config.database.migrationUrl });
          await owner.connect();
        }
        return (await owner.query(sql, parameters)).rows as T[];
      },
      storage: app.get(StorageService),
      databaseName: database.name,
      signIn: (roleOrFields) => signIn(app, roleOrFields),
      close: async () => {
        await owner?.end();
        await app.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw error;
  }
}
