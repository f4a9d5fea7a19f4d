import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { AppConfig, AuthConfig } from '../config/app-config';
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

/**
 * Login sessions: one row per login. Refresh tokens rotate by compare-and-swap on the stored
 * hash, so of two requests presenting the same token only one wins; presenting a token that
 * was already rotated revokes the whole session (both tokens stop working).
 */
@Injectable()
export class SessionsService {
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
}

/**
 * SQL that holds while the session `sessionIdSql` of the user `userIdSql` is open: not revoked,
 * not expired. For the caller's lookup, which checks the session and its user in one query
 * (a lookup by primary key), so that a logout or a revocation is refused at the next request.
 */
export function openSessionCondition(userIdSql: string, sessionIdSql: string): string {
  return `EXISTS (SELECT 1 FROM sessions s
                   WHERE s.id = ${sessionIdSql} AND s.user_id = ${userIdSql}
                     AND s.revoked_at IS NULL AND s.expires_at > now())`;
}
