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
import { ApplicationLookupsModule, ApplicationsModule } from './applications/applications.module';
import { CustomerLookupsModule, CustomersModule } from './customers/customers.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DepartmentsModule } from './departments/departments.module';
import { EnumsModule } from './enums/enums.module';
import { FilesModule } from './files/files.module';
import { FoldersModule } from './folders/folders.module';
import { PositionsModule } from './positions/positions.module';
import { UsersModule } from './users/users.module';
import { FolderContentsModule } from './files/files-for-folders';
import { FileLookupsModule } from './files/files-for-users';
import { FolderLookupsModule } from './folders/folders-for-users';
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

/**
 * The organisation and users modules, wired to what they ask of the modules above them (their
 * provider tokens, answered by those modules' read-only lookups) through `forRoot({ imports })`,
 * so that they import nothing of them (STYLE.md "Boundaries"). Departments and branches ask
 * the workflow for their figures and delete refusals; users ask the units and the workflow
 * whether a user is placed in, manages or is named by their records. Also for the CLI.
 */
export function identityModules() {
  const workflow = [ApplicationLookupsModule, CustomerLookupsModule];
  const departments = DepartmentsModule.forRoot({ imports: workflow });
  const branches = BranchesModule.forRoot({ imports: workflow });
  const users = UsersModule.forRoot({
    imports: [
      departments,
      branches,
      PositionsModule,
      ...workflow,
      FolderLookupsModule,
      FileLookupsModule,
    ],
  });
  return { users, departments, branches };
}

@Module({})
export class AppModule {
  /** The whole server, for a configuration already validated and completed (see runtime.ts). */
  static forRoot(config: AppConfig): DynamicModule {
    const { users, departments, branches } = identityModules();
    // Customers ask applications what only they know; the same instance serves the customers
    // routes and the applications that link customers.
    const customers = CustomersModule.forRoot({ imports: [ApplicationLookupsModule] });
    // Folders ask files what a folder holds; the same instance serves the folders routes and
    // the applications that create and delete their folders.
    const folders = FoldersModule.forRoot({ imports: [FolderContentsModule] });
    // One instance for its routes and for the dashboard, which reads through its exports.
    const applications = ApplicationsModule.forRoot({ imports: [customers, folders, FilesModule] });
    return {
      module: AppModule,
      imports: [
        ...coreModules(config),
        TypeOrmModule.forFeature([IdempotencyKey]),
        AuthPlatformModule,
        AuditModule,
        SettingsModule,
        StorageModule,
        HealthModule,
        AuthModule.forRoot({ imports: [users] }),
        users,
        departments,
        branches,
        PositionsModule,
        customers,
        folders,
        applications,
        DashboardModule.forRoot({
          imports: [applications, users, departments, branches, FilesModule],
        }),
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
        // Outermost: a shutdown waits for handlers to return (GracefulShutdown).
        { provide: APP_INTERCEPTOR, useExisting: GracefulShutdown },
        { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
