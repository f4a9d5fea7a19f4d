import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { AccessTokenClaims, AuthUser } from '../common/auth/auth-user';
import type { SessionAuthenticator } from '../common/auth/session-authenticator';
import type { AppConfig, AuthConfig } from '../config/app-config';
import type { Role } from '../common/auth/permissions';
import {
  formatRefreshToken,
  hashSecret,
  newRefreshSecret,
  parseRefreshToken,
} from './refresh-token';
import { Session } from './session.entity';

export interface ClientInfo {
  userAgent?: string | null;
  ip?: string | null;
}

export type RotationResult =
  | { kind: 'rotated'; sessionId: string; userId: string; refreshToken: string }
  /** A rotated (already used) token was presented: the session is revoked. */
  | { kind: 'reused'; sessionId: string; userId: string }
  | { kind: 'invalid' };

interface AuthenticatedRow {
  id: string;
  username: string;
  role: Role;
  branch_id: string | null;
  department_id: string | null;
}

/**
 * Login sessions: one row per login. Refresh tokens rotate by compare-and-swap on the stored
 * hash, so of two requests presenting the same token only one wins; presenting a token that
 * was already rotated revokes the whole session (both tokens stop working).
 */
@Injectable()
export class SessionsService implements SessionAuthenticator {
  private readonly auth: AuthConfig;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    config: ConfigService<AppConfig, true>,
  ) {
    this.auth = config.get('auth', { infer: true });
  }

  private get sessions() {
    return this.txHost.tx.getRepository(Session);
  }

  async start(
    userId: string,
    client: ClientInfo,
  ): Promise<{ sessionId: string; refreshToken: string }> {
    const secret = newRefreshSecret();
    const session = await this.sessions.save(
      this.sessions.create({
        userId,
        refreshTokenHash: hashSecret(secret),
        expiresAt: new Date(Date.now() + this.auth.refreshTokenDays * 24 * 3600 * 1000),
        userAgent: client.userAgent?.slice(0, 500) ?? null,
        ip: client.ip?.slice(0, 64) ?? null,
        lastUsedAt: new Date(),
      }),
    );
    return { sessionId: session.id, refreshToken: formatRefreshToken(session.id, secret) };
  }

  async rotate(refreshToken: string): Promise<RotationResult> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) return { kind: 'invalid' };
    const presented = hashSecret(parsed.secret);
    const secret = newRefreshSecret();
    const [rows]: [{ user_id: string }[], number] = await this.sessions.query(
      `UPDATE sessions
         SET previous_refresh_token_hash = refresh_token_hash, refresh_token_hash = $3,
             last_used_at = now(), updated_at = now()
       WHERE id = $1 AND refresh_token_hash = $2 AND revoked_at IS NULL AND expires_at > now()
       RETURNING user_id`,
      [parsed.sessionId, presented, hashSecret(secret)],
    );
    if (rows.length) {
      return {
        kind: 'rotated',
        sessionId: parsed.sessionId,
        userId: rows[0].user_id,
        refreshToken: formatRefreshToken(parsed.sessionId, secret),
      };
    }
    const [reused]: [{ user_id: string }[], number] = await this.sessions.query(
      `UPDATE sessions SET revoked_at = now(), revoke_reason = 'refresh_token_reuse', updated_at = now()
       WHERE id = $1 AND previous_refresh_token_hash = $2 AND revoked_at IS NULL
       RETURNING user_id`,
      [parsed.sessionId, presented],
    );
    return reused.length
      ? { kind: 'reused', sessionId: parsed.sessionId, userId: reused[0].user_id }
      : { kind: 'invalid' };
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.sessions.query(
      `UPDATE sessions SET revoked_at = now(), revoke_reason = $2, updated_at = now()
       WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, reason],
    );
  }

  /** Revokes every open session of a user (but `exceptSessionId`); returns how many. */
  async revokeAllForUser(
    userId: string,
    reason: string,
    exceptSessionId?: string,
  ): Promise<number> {
    const [, count]: [unknown, number] = await this.sessions.query(
      `UPDATE sessions SET revoked_at = now(), revoke_reason = $2, updated_at = now()
       WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [userId, reason, exceptSessionId ?? null],
    );
    return count;
  }

  /** The one indexed lookup per authenticated request (session by primary key, user by key). */
  async authenticate(claims: AccessTokenClaims): Promise<AuthUser | undefined> {
    const rows: AuthenticatedRow[] = await this.sessions.query(
      `SELECT u.id, u.username, u.role, u.branch_id, u.department_id
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND u.status = 'active'`,
      [claims.sid, claims.sub],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      username: row.username,
      role: row.role,
      branchId: row.branch_id,
      departmentId: row.department_id,
      sessionId: claims.sid,
    };
  }
}
