import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import type { DatabaseConfig } from '../config/app-config';

// Entities and migrations are found next to this file whether it runs from src/ (ts-jest,
// ts-node for the TypeORM CLI) or from dist/src/ (compiled).
const extension = __filename.endsWith('.ts') ? 'ts' : 'js';

/** The one options object, shared by the Nest module and the TypeORM CLI. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: database.url,
    ssl: database.ssl ? { rejectUnauthorized: database.ssl === 'require' } : false,
    namingStrategy: new SnakeNamingStrategy(),
    entities: [join(__dirname, '..', '**', `*.entity.${extension}`)],
    migrations: [join(__dirname, '..', '..', 'migrations', `*.${extension}`)],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Failed queries reach the problem filter, which logs them without their parameters.
    logging: false,
    extra: {
      max: database.poolSize,
      connectionTimeoutMillis: database.connectTimeoutMs,
      statement_timeout: database.statementTimeoutMs,
      application_name: 'lc-workflow-server',
    },
  };
}
