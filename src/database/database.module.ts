import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseNotifications } from './database-notifications';
import { canTamperWithAudit, grantRuntimePrivileges, roleOf } from './database-roles';
import { runMigrationsLocked } from './migrate';

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P03']);

function isConnectionError(error: unknown): boolean {
  return CONNECTION_ERRORS.has((error as { code?: string } | null)?.code ?? '');
}

/**
 * Migrations (under an advisory lock) before anything else touches the database: as the schema
 * owner when DATABASE_MIGRATION_URL is given, which then grants the runtime role what it may do;
 * otherwise as the runtime role itself.
 */
async function migrate(runtime: DataSource, database: DatabaseConfig): Promise<void> {
  const runtimeRole = roleOf(database.url);
  const { migrationUrl } = database;
  if (!migrationUrl || roleOf(migrationUrl) === runtimeRole) {
    await runMigrationsLocked(runtime);
  } else {
    const owner = await new DataSource(
      // Two: one holds the advisory lock while the other migrates.
      dataSourceOptions({ ...database, url: migrationUrl, poolSize: 2 }),
    ).initialize();
    try {
      await runMigrationsLocked(owner, () => grantRuntimePrivileges(owner, runtimeRole));
    } finally {
      await owner.destroy();
    }
  }
  if (await canTamperWithAudit(runtime)) {
    new Logger('Database').warn(
      `The role "${runtimeRole}" owns the audit trail (or is a superuser), so the server could ` +
        'rewrite it; give DATABASE_URL a role of its own and the owner to DATABASE_MIGRATION_URL.',
    );
  }
}

/** The pool (TypeORM), migrations at start-up, and the LISTEN connection beside the pool. */
@Global()
@Module({
  providers: [DatabaseNotifications],
  exports: [DatabaseNotifications],
})
export class DatabaseModule {
  static forRoot(database: DatabaseConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(database),
            // A database that is still starting gets a few seconds; a failing migration does not.
            retryAttempts: 5,
            retryDelay: 1000,
            toRetry: (error: unknown) => isConnectionError(error),
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            try {
              await migrate(dataSource, database);
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
            return dataSource;
          },
        }),
      ],
    };
  }
}
