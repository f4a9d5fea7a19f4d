import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import type { DatabaseConfig } from '../config/app-config';

// Entities and migrations are found next to this file whether it runs from src/ (ts-jest,
// ts-node for the TypeORM CLI) or from dist/src/ (compiled).
const extension = __filename.endsWith('.ts') ? 'ts' : 'js';

/**
 * Margin between the server's statement timeout and the client's own deadline: the server's
 * error normally arrives first; the client's deadline only fires when nothing answers at all.
 * A request on a frozen database therefore fails within the statement timeout + 1 s.
 */
const CLIENT_DEADLINE_MARGIN_MS = 1000;

/**
 * Options of every connection the server opens (the pool's and the notification listener's).
 * `statement_timeout` bounds a query on the server; `query_timeout` bounds the wait on the
 * client, so a database that stops answering (a frozen network) fails requests instead of
 * hanging them.
 */
export function connectionOptions(database: DatabaseConfig) {
  return {
    connectionString: database.url,
    ssl: database.ssl ? { rejectUnauthorized: database.ssl === 'require' } : false,
    connectionTimeoutMillis: database.connectTimeoutMs,
    statement_timeout: database.statementTimeoutMs,
    query_timeout: database.statementTimeoutMs + CLIENT_DEADLINE_MARGIN_MS,
    // A peer that vanished without a reset (a dead host) is noticed on idle connections too.
    keepAlive: true,
    application_name: 'lc-workflow-server',
  };
}

/** The one options object, shared by the Nest module and the TypeORM CLI. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const { connectionString, ssl, ...connection } = connectionOptions(database);
  return {
    type: 'postgres',
    url: connectionString,
    ssl,
    namingStrategy: new SnakeNamingStrategy(),
    entities: [join(__dirname, '..', '**', `*.entity.${extension}`)],
    migrations: [join(__dirname, '..', '..', 'migrations', `*.${extension}`)],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Failed queries reach the problem filter, which logs them without their parameters.
    logging: false,
    // connectionTimeoutMillis also bounds the wait for a free pool connection.
    extra: { max: database.poolSize, ...connection },
  };
}
