import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import type { AccessTokenClaims } from './auth-user';

export function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Signs and verifies access tokens (HS256, SECRET_KEY): signature, expiry, token type. */
@Injectable()
export class AccessTokenService {
  constructor(private readonly jwt: JwtService) {}

  /** The claims, or undefined for a missing, forged, expired or non-access token. */
  verify(token: string): AccessTokenClaims | undefined {
    let claims: AccessTokenClaims;
    try {
      claims = this.jwt.verify<AccessTokenClaims>(token, { algorithms: ['HS256'] });
    } catch {
      return undefined;
    }
    const wellFormed =
      claims.typ === 'access' && typeof claims.sub === 'string' && typeof claims.sid === 'string';
    return wellFormed ? claims : undefined;
  }

  sign(claims: Omit<AccessTokenClaims, 'typ'>): string {
    return this.jwt.sign({ ...claims, typ: 'access' });
  }
}
