import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SESSION_AUTHENTICATOR } from '../common/auth/session-authenticator';
import { SettingsModule } from '../settings/settings.module';
import { LoginAttemptsService } from './login-attempts.service';
import { LoginFailure } from './login-failure.entity';
import { PasswordHasher } from './password-hasher';
import { PasswordRulesService } from './password-rules.service';
import { Session } from './session.entity';
import { SessionsService } from './sessions.service';

/**
 * Passwords, sessions and failed logins: used by the auth routes, the users routes and the
 * global authentication guard (through SESSION_AUTHENTICATOR).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Session, LoginFailure]), SettingsModule],
  providers: [
    PasswordHasher,
    PasswordRulesService,
    SessionsService,
    LoginAttemptsService,
    { provide: SESSION_AUTHENTICATOR, useExisting: SessionsService },
  ],
  exports: [
    PasswordHasher,
    PasswordRulesService,
    SessionsService,
    LoginAttemptsService,
    SESSION_AUTHENTICATOR,
  ],
})
export class CredentialsModule {}
