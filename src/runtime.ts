/**
 * The runtime of every entry point (the server, the CLI, the tests): the configuration, which
 * config/ parses and validates, completed with the embedded services of database/ and
 * storage/ when none are configured. It sits beside main.ts, above config/ and database/, so
 * that config/ imports neither.
 */
import { join, resolve } from 'node:path';
import type { AppConfig, EnvironmentConfig } from './config/app-config';
import { loadDevelopmentSecrets } from './config/development-secrets';
import { packageVersion } from './config/dotenv';
import { type Env, parseEnvironment } from './config/environment';
import { writeEmbeddedDatabaseUrl } from './database/embedded-database-url';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { startEmbeddedS3 } from './storage/embedded-s3';

export interface Runtime {
  config: AppConfig;
  /** Lines worth one log line each at start-up (where the embedded services run). */
  notices: string[];
  /** Stops whatever this runtime started (the embedded services). */
  stop(): Promise<void>;
}

/**
 * Turns the environment into a complete configuration: validated variables, plus the
 * embedded PostgreSQL and S3 server when DATABASE_URL / MINIO_ENDPOINT are not given
 * (development only; the parser refuses this in production), plus development secrets.
 */
export async function prepareRuntime(env: Env = process.env): Promise<Runtime> {
  const parsed = parseEnvironment(env, packageVersion());
  const dataDir = resolve(parsed.app.dataDir);
  const stops: (() => Promise<void>)[] = [];
  const notices: string[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    const database = await resolveDatabase(parsed, dataDir, stops, notices);
    const storage = await resolveStorage(parsed, dataDir, stops, notices);
    const secrets =
      parsed.auth.secretKey && parsed.crypto.dataEncryptionKey
        ? undefined
        : loadDevelopmentSecrets(dataDir);
    const config: AppConfig = {
      ...parsed,
      app: { ...parsed.app, dataDir },
      database,
      storage,
      auth: { ...parsed.auth, secretKey: parsed.auth.secretKey ?? secrets!.secretKey },
      crypto: {
        ...parsed.crypto,
        dataEncryptionKey: parsed.crypto.dataEncryptionKey ?? secrets!.dataEncryptionKey,
      },
    };
    return { config, notices, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function resolveDatabase(
  parsed: EnvironmentConfig,
  dataDir: string,
  stops: (() => Promise<void>)[],
  notices: string[],
): Promise<AppConfig['database']> {
  if (parsed.database.url) return { ...parsed.database, url: parsed.database.url };
  const directory = join(dataDir, 'postgres');
  const postgres = await startEmbeddedPostgres({ directory });
  stops.push(() => postgres.stop());
  const forgetUrl = writeEmbeddedDatabaseUrl(dataDir, postgres.url);
  stops.push(() => Promise.resolve().then(forgetUrl));
  notices.push(`Embedded PostgreSQL on 127.0.0.1:${postgres.port}, data in ${directory}`);
  // Its superuser migrates; the pool logs in as the application role (database-roles.ts).
  return { ...parsed.database, url: postgres.appUrl, migrationUrl: postgres.url };
}

async function resolveStorage(
  parsed: EnvironmentConfig,
  dataDir: string,
  stops: (() => Promise<void>)[],
  notices: string[],
): Promise<AppConfig['storage']> {
  const { endpoint, accessKeyId, secretAccessKey } = parsed.storage;
  if (endpoint && accessKeyId && secretAccessKey) {
    return {
      ...parsed.storage,
      endpoint,
      publicEndpoint: parsed.storage.publicEndpoint ?? endpoint,
      accessKeyId,
      secretAccessKey,
    };
  }
  const directory = join(dataDir, 's3');
  const s3 = await startEmbeddedS3({ directory });
  stops.push(() => s3.stop());
  notices.push(`Embedded S3 server on ${s3.endpoint}, data in ${directory}`);
  return {
    ...parsed.storage,
    endpoint: s3.endpoint,
    publicEndpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    region: s3.region,
    s3rverCompatibility: true,
  };
}
