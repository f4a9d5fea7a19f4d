import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseNotifications } from './database-notifications';
import { runMigrationsLocked } from './migrate';

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P03']);

function isConnectionError(error: unknown): boolean {
  return CONNECTION_ERRORS.has((error as { code?: string } | null)?.code ?? '');
}

/** The pool (TypeORM), migrations at start-up, and the LISTEN connection beside the pool. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        ...dataSourceOptions(config.get('database', { infer: true })),
        // A database that is still starting gets a few seconds; a failing migration does not.
        retryAttempts: 5,
        retryDelay: 1000,
        toRetry: (error: unknown) => isConnectionError(error),
      }),
      // Migrate before anything else touches the database (under an advisory lock).
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        try {
          await runMigrationsLocked(dataSource);
        } catch (error) {
          await dataSource.destroy();
          throw error;
        }
        return dataSource;
      },
    }),
  ],
  providers: [DatabaseNotifications],
  exports: [DatabaseNotifications],
})
export class DatabaseModule {}
