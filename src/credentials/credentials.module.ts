import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SettingsModule } from '../settings/settings.module';
import { LoginAttemptsService } from './login-attempts.service';
import { LoginFailure } from './login-failure.entity';
import { PasswordHasher } from './password-hasher';
import { PasswordRulesService } from './password-rules.service';
import { Session } from './session.entity';
import { SessionsService } from './sessions.service';

/**
 * Passwords (hashing, rules), sessions and failed logins: what the auth routes and the users
 * routes both need. It imports neither of them, so that both can import it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Session, LoginFailure]), SettingsModule],
  providers: [PasswordHasher, PasswordRulesService, SessionsService, LoginAttemptsService],
  exports: [PasswordHasher, PasswordRulesService, SessionsService, LoginAttemptsService],
})
export class CredentialsModule {}
