import type { AccessTokenClaims, AuthUser } from './auth-user';

/**
 * Turns verified access-token claims into the caller, or refuses them (session revoked or
 * expired, user inactive or deleted). Provided by the auth module; the guard only knows this.
 */
export interface SessionAuthenticator {
  authenticate(claims: AccessTokenClaims): Promise<AuthUser | undefined>;
}

export const SESSION_AUTHENTICATOR = Symbol('SessionAuthenticator');
