import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '../common/module-import';
import { SESSION_AUTHENTICATOR } from '../common/auth/session-authenticator';
import { CredentialsModule } from '../credentials/credentials.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { CallerAuthenticator } from './caller-authenticator';

/**
 * Login, refresh, logout, me and first-run set-up, and the caller behind each access token
 * (SESSION_AUTHENTICATOR, for the global authentication guard).
 */
@Module({})
export class AuthModule {
  /** `imports`: the UsersModule the app wired (`UsersModule.forRoot`), the same instance. */
  static forRoot(providers: { imports: ModuleImport[] }): DynamicModule {
    return {
      module: AuthModule,
      imports: [CredentialsModule, ...providers.imports],
      controllers: [AuthController],
      providers: [
        AuthService,
        CallerAuthenticator,
        { provide: SESSION_AUTHENTICATOR, useExisting: CallerAuthenticator },
      ],
      exports: [SESSION_AUTHENTICATOR],
    };
  }
}
