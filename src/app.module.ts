import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Request } from 'express';
import { ClsModule } from 'nestjs-cls';
import { LoggerModule } from 'nestjs-pino';
import { AppController } from './app.controller';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BranchesModule } from './branches/branches.module';
import {
  ApplicationsForCustomersModule,
  ApplicationsModule,
} from './applications/applications.module';
import { CustomersModule } from './customers/customers.module';
import { DepartmentsModule } from './departments/departments.module';
import { EnumsModule } from './enums/enums.module';
import { FilesModule } from './files/files.module';
import { FoldersModule } from './folders/folders.module';
import { PositionsModule } from './positions/positions.module';
import { UsersModule } from './users/users.module';
import { CredentialsModule } from './auth/credentials.module';
import { AuthPlatformModule } from './common/auth/auth-platform.module';
import { AuthenticationGuard } from './common/auth/authentication.guard';
import { PermissionGuard } from './common/auth/permission.guard';
import { RateLimitGuard } from './common/auth/rate-limit.guard';
import { CryptoModule } from './common/crypto/crypto.module';
import { EtagInterceptor } from './common/http/etag';
import { GracefulShutdown } from './common/http/graceful-shutdown';
import { IdempotencyKey } from './common/http/idempotency/idempotency-key.entity';
import { IdempotencyInterceptor } from './common/http/idempotency/idempotency.interceptor';
import { IdempotencyService } from './common/http/idempotency/idempotency.service';
import { loggerParams } from './common/http/logging';
import { ProblemFilter } from './common/http/problem.filter';
import { ProblemValidationPipe } from './common/http/validation';
import type { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { SettingsModule } from './settings/settings.module';
import { StorageModule } from './storage/storage.module';

/**
 * What every entry point needs: configuration, logging, the database (migrated) and the
 * request context that carries the transaction, the caller and the request id.
 */
export function coreModules(config: AppConfig): NonNullable<ModuleMetadata['imports']> {
  return [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
    LoggerModule.forRoot(loggerParams(config.app)),
    DatabaseModule.forRoot(config.database),
    CryptoModule,
    ClsModule.forRoot({
      global: true,
      middleware: {
        mount: true,
        setup: (cls, request: Request) => {
          cls.set('requestId', String(request.id));
          cls.set('ip', request.ip);
        },
      },
      plugins: [
        new ClsPluginTransactional({
          adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
        }),
      ],
    }),
  ];
}

@Module({})
export class AppModule {
  /** The whole server, for a configuration already validated and completed (see runtime.ts). */
  static forRoot(config: AppConfig): DynamicModule {
    // Customers ask applications what only they know; the same instance serves the customers
    // routes and the applications that link customers.
    const customers = CustomersModule.forRoot({ imports: [ApplicationsForCustomersModule] });
    return {
      module: AppModule,
      imports: [
        ...coreModules(config),
        TypeOrmModule.forFeature([IdempotencyKey]),
        AuthPlatformModule,
        CredentialsModule,
        AuditModule,
        SettingsModule,
        StorageModule,
        HealthModule,
        AuthModule,
        UsersModule,
        DepartmentsModule,
        BranchesModule,
        PositionsModule,
        customers,
        ApplicationsModule.forRoot({ imports: [customers, FoldersModule, FilesModule] }),
        EnumsModule,
      ],
      controllers: [AppController],
      providers: [
        IdempotencyService,
        GracefulShutdown,
        // Guards run in this order (SPEC §3): rate limit, authentication, permission.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: PermissionGuard },
        { provide: APP_PIPE, useClass: ProblemValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
