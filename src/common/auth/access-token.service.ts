import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import type { Request } from 'express';
import type { AccessTokenClaims } from './auth-user';

export function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * The claims every access token must carry, with these types: a token signed with the secret
 * but lacking one (no `exp` would never expire) is refused like a forged one.
 */
export function isAccessTokenClaims(payload: unknown): payload is AccessTokenClaims {
  if (typeof payload !== 'object' || payload === null) return false;
  const claims = payload as Record<string, unknown>;
  return (
    claims.typ === 'access' &&
    typeof claims.sub === 'string' &&
    isUUID(claims.sub) &&
    typeof claims.sid === 'string' &&
    isUUID(claims.sid) &&
    Number.isInteger(claims.iat) &&
    Number.isInteger(claims.exp) &&
    (claims.exp as number) > (claims.iat as number)
  );
}

/**
 * Signs and verifies access tokens (HS256, SECRET_KEY as a KeyObject: see AuthPlatformModule):
 * signature, expiry and the claims above. A request's token is verified once, however many
 * guards ask for it.
 */
@Injectable()
export class AccessTokenService {
  private readonly verified = new WeakMap<Request, AccessTokenClaims | null>();

  constructor(private readonly jwt: JwtService) {}

  /** The claims of the request's bearer token, or undefined when missing, forged or expired. */
  claimsOf(request: Request): AccessTokenClaims | undefined {
    let claims = this.verified.get(request);
    if (claims === undefined) {
      const token = bearerToken(request);
      claims = (token && this.verify(token)) || null;
      this.verified.set(request, claims);
    }
    return claims ?? undefined;
  }

  /** The claims, or undefined for a forged, expired, incomplete or non-access token. */
  verify(token: string): AccessTokenClaims | undefined {
    let payload: unknown;
    try {
      payload = this.jwt.verify<object>(token, { algorithms: ['HS256'] });
    } catch {
      return undefined;
    }
    return isAccessTokenClaims(payload) ? payload : undefined;
  }

  sign(claims: Pick<AccessTokenClaims, 'sub' | 'sid'>): string {
    // jsonwebtoken adds iat, and exp from the module's expiresIn.
    return this.jwt.sign({ ...claims, typ: 'access' });
  }
}
