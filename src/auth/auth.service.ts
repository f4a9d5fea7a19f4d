import {
  ConflictException,
  ForbiddenException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { timingSafeEqual } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { AccessTokenService } from '../common/auth/access-token.service';
import type { AuthUser } from '../common/auth/auth-user';
import { ProblemException } from '../common/http/problem';
import type { AppConfig } from '../config/app-config';
import { attemptKey, loginName } from '../credentials/lockout';
import { LoginAttemptsService } from '../credentials/login-attempts.service';
import { PasswordHasher } from '../credentials/password-hasher';
import { type ClientInfo, SessionsService } from '../credentials/sessions.service';
import { CreateUserDto } from '../users/dto/create-user.dto';
import { toUserResponse, UserResponseDto } from '../users/dto/user-response.dto';
import type { User } from '../users/user.entity';
import { anyUserExists, userWithUnits } from '../users/user-queries';
import { UsersService } from '../users/users.service';
import type { LoginDto } from './dto/login.dto';
import type { TokenResponseDto } from './dto/token-response.dto';

const INVALID_CREDENTIALS = 'Incorrect username or password.';
// Any fixed number; only one first-admin set-up runs at a time. Exported for a test.
export const SETUP_LOCK_KEY = 7_402_115_002;

/** Why a login was refused, as the audit trail records it (the caller is told none of it). */
type LoginRefusal = 'unknown_username' | 'wrong_password' | 'inactive';

const NO_ACTOR = { id: null, name: null, role: null };

/** Login, token refresh, logout and the first-run set-up. */
@Injectable()
export class AuthService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly attempts: LoginAttemptsService,
    private readonly tokens: AccessTokenService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /**
   * Username or email, ignoring case. Failed attempts count against the account whichever
   * spelling was typed, and against the typed name when it names no account (lockout.ts
   * attemptKey). Unknown names, wrong passwords and inactive accounts (right password or not)
   * cost the same bcrypt work, get the same answer and count towards the same lockout, so that
   * neither the answer nor a lock tells whether a name exists or a password is right; the audit
   * trail records which it was.
   */
  async login(
    credentials: LoginDto,
    client: ClientInfo & { ip: string },
  ): Promise<TokenResponseDto> {
    const name = loginName(credentials.username);
    const user = await userWithUnits(this.txHost.tx, { loginName: name });
    const key = attemptKey(name, user?.id);
    await this.refuseWhileLocked(key, client.ip, name, user);
    const passwordMatches = user
      ? await this.hasher.verify(credentials.password, user.passwordHash)
      : await this.hasher.verifyAgainstNothing(credentials.password);
    if (!user || !passwordMatches || user.status !== 'active') {
      const reason: LoginRefusal = !user
        ? 'unknown_username'
        : !passwordMatches
          ? 'wrong_password'
          : 'inactive';
      await this.recordFailure(key, client.ip, name, user, reason);
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    return this.txHost.withTransaction(async () => {
      await this.attempts.resetAccount(user.id);
      const { sessionId, refreshToken } = await this.sessions.start(user.id, client);
      user.lastLoginAt = await this.users.recordLogin(user.id);
      await this.audit.record({
        ...auditTarget(user),
        action: 'auth.login',
        actor: actorOf(user),
        details: { session_id: sessionId },
      });
      return this.tokenResponse(user, sessionId, refreshToken);
    });
  }

  private async refuseWhileLocked(
    key: string,
    ip: string,
    name: string,
    user: User | null,
  ): Promise<void> {
    const until = await this.attempts.lockedUntil(key, ip);
    if (!until) return;
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    await this.audit.record({
      ...auditTarget(user),
      action: 'auth.login_blocked',
      details: { username: name, retry_after_seconds: seconds },
      actor: NO_ACTOR,
    });
    throw new ProblemException(
      HttpStatus.TOO_MANY_REQUESTS,
      `Too many failed sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`,
      { type: 'login-locked', headers: { 'Retry-After': String(seconds) } },
    );
  }

  /**
   * Counts the failure and audits it: `auth.login_refused` when the password was right but the
   * account is inactive, `auth.login_failed` otherwise; `auth.account_locked` when it locks.
   */
  private async recordFailure(
    key: string,
    ip: string,
    name: string,
    user: User | null,
    reason: LoginRefusal,
  ): Promise<void> {
    await this.txHost.withTransaction(async () => {
      await this.attempts.recordFailure(key, ip);
      await this.audit.record({
        ...auditTarget(user),
        action: reason === 'inactive' ? 'auth.login_refused' : 'auth.login_failed',
        details: { username: name, reason },
        actor: NO_ACTOR,
      });
      if (await this.attempts.lockedUntil(key, ip)) {
        await this.audit.record({
          ...auditTarget(user),
          action: 'auth.account_locked',
          details: { username: name, ip },
          actor: NO_ACTOR,
        });
      }
    });
  }

  /** Rotates the refresh token; a reused (already rotated) one ends the whole session. */
  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const result = await this.sessions.rotate(refreshToken);
    if (result.kind === 'reused') {
      const owner = await userWithUnits(this.txHost.tx, { id: result.userId });
      await this.audit.record({
        ...auditTarget(owner),
        entityId: result.userId,
        action: 'auth.refresh_token_reused',
        details: { session_id: result.sessionId },
        actor: owner ? actorOf(owner) : { id: result.userId, name: null, role: null },
      });
      throw new UnauthorizedException(
        'This refresh token was already used, so the session has been ended for safety. Sign in again.',
      );
    }
    if (result.kind === 'invalid') {
      throw new UnauthorizedException(
        'The refresh token is invalid or has expired. Sign in again.',
      );
    }
    const user = await userWithUnits(this.txHost.tx, { id: result.userId });
    if (!user || user.status !== 'active') {
      await this.sessions.revoke(result.sessionId, 'user_inactive');
      throw new UnauthorizedException(
        'This account is inactive. Ask an administrator to reactivate it.',
      );
    }
    return this.tokenResponse(user, result.sessionId, result.refreshToken);
  }

  async logout(caller: AuthUser): Promise<void> {
    await this.txHost.withTransaction(async () => {
      await this.sessions.revoke(caller.sessionId, 'logout');
      await this.audit.record({
        action: 'auth.logout',
        entityType: 'user',
        entityId: caller.id,
        branchId: caller.branchId,
        departmentId: caller.departmentId,
        details: { session_id: caller.sessionId },
      });
    });
  }

  /** The same record as GET /users/me. */
  me(caller: AuthUser): Promise<UserResponseDto> {
    return this.users.me(caller);
  }

  async setupRequired(): Promise<boolean> {
    return !(await anyUserExists(this.txHost.tx));
  }

  /**
   * Creates the first user, an admin, while no user exists. Concurrent calls try an advisory
   * lock: exactly one gets it; the others answer 409 at once instead of holding a pool
   * connection while they wait for it.
   */
  async setupFirstAdmin(
    input: CreateUserDto,
    setupToken: string | undefined,
  ): Promise<UserResponseDto> {
    this.checkSetupToken(setupToken);
    return this.txHost.withTransaction(async () => {
      const [{ locked }]: { locked: boolean }[] = await this.txHost.tx.query(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [SETUP_LOCK_KEY],
      );
      if (!locked) {
        throw new ConflictException(
          'Another first-admin set-up is running right now. If it does not succeed, try again.',
        );
      }
      if (await anyUserExists(this.txHost.tx)) {
        throw new ConflictException(
          'Set-up is done: an administrator already exists. Sign in instead.',
        );
      }
      return this.users.create({ ...input, role: 'admin' }, null);
    });
  }

  /** In production, set-up needs the operator's SETUP_TOKEN (header X-Setup-Token). */
  private checkSetupToken(given: string | undefined): void {
    const app = this.config.get('app', { infer: true });
    if (!app.isProduction) return;
    const expected = app.setupToken;
    const matches =
      expected !== undefined &&
      given !== undefined &&
      given.length === expected.length &&
      timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    if (!matches) {
      throw new ForbiddenException(
        expected
          ? 'Set-up needs the X-Setup-Token header with the operator-provided SETUP_TOKEN.'
          : 'Set-up over HTTP is disabled in production without SETUP_TOKEN; use `npm run cli -- create-admin`.',
      );
    }
  }

  private tokenResponse(user: User, sessionId: string, refreshToken: string): TokenResponseDto {
    return {
      access_token: this.tokens.sign({ sub: user.id, sid: sessionId }),
      refresh_token: refreshToken,
      token_type: 'bearer',
      expires_in: this.config.get('auth', { infer: true }).accessTokenMinutes * 60,
      user: toUserResponse(user),
    };
  }
}

function actorOf(user: User) {
  return { id: user.id, name: user.username, role: user.role };
}

/** An event about a user (when known), placed in their branch and department for scoped reading. */
function auditTarget(user: User | null) {
  return {
    entityType: 'user',
    entityId: user?.id ?? null,
    branchId: user?.branchId ?? null,
    departmentId: user?.departmentId ?? null,
  };
}
