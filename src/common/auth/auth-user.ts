import type { Role } from './permissions';

/** The authenticated caller, as the guards put it on the request. */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  branchId: string | null;
  departmentId: string | null;
  /** The login session the access token belongs to. */
  sessionId: string;
}

/** Claims of an access token (HS256, SECRET_KEY); a token lacking any of them is refused. */
export interface AccessTokenClaims {
  /** The user id. */
  sub: string;
  typ: 'access';
  /** The session; refused at once when the session is revoked. */
  sid: string;
  /** Issued at and expires at, in seconds since the epoch. */
  iat: number;
  exp: number;
}

declare module 'express' {
  interface Request {
    user?: AuthUser;
  }
}
