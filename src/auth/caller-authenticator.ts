import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { AccessTokenClaims, AuthUser } from '../common/auth/auth-user';
import type { SessionAuthenticator } from '../common/auth/session-authenticator';
import { openSessionCondition } from '../credentials/sessions.service';
import { activeUserById } from '../users/user-queries';

/**
 * The caller behind an access token, for the global authentication guard: its user still
 * active (users) and its session still open (credentials), in one query by primary keys. A
 * revoked or expired session, or an inactive or deleted user, is refused.
 */
@Injectable()
export class CallerAuthenticator implements SessionAuthenticator {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async authenticate(claims: AccessTokenClaims): Promise<AuthUser | undefined> {
    const user = await activeUserById(this.txHost.tx, claims.sub, {
      sql: (userId) => openSessionCondition(userId, '$2'),
      parameters: [claims.sid],
    });
    if (!user) return undefined;
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      branchId: user.branchId,
      departmentId: user.departmentId,
      sessionId: claims.sid,
    };
  }
}
