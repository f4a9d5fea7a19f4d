import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import type { AccessTokenClaims, AuthUser } from './auth-user';
import { isRole } from './permissions';

export function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Verifies access tokens (signature, expiry, token type) and turns them into the caller. */
@Injectable()
export class AccessTokenService {
  constructor(private readonly jwt: JwtService) {}

  /** The caller, or undefined for a missing, forged, expired or non-access token. */
  verify(token: string): AuthUser | undefined {
    let claims: AccessTokenClaims;
    try {
      claims = this.jwt.verify<AccessTokenClaims>(token, { algorithms: ['HS256'] });
    } catch {
      return undefined;
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || !isRole(claims.role)) {
      return undefined;
    }
    return {
      id: claims.sub,
      username: claims.username ?? '',
      role: claims.role,
      branchId: claims.branch_id ?? null,
      departmentId: claims.department_id ?? null,
      sessionId: claims.sid ?? null,
    };
  }

  sign(claims: Omit<AccessTokenClaims, 'typ'>): string {
    return this.jwt.sign({ ...claims, typ: 'access' });
  }
}
