import type { Role } from './permissions';

/** The authenticated caller, as the guards put it on the request. */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  branchId: string | null;
  departmentId: string | null;
  /** The login session the access token belongs to. */
  sessionId: string | null;
}

/** Claims of an access token (HS256, SECRET_KEY). */
export interface AccessTokenClaims {
  sub: string;
  typ: 'access';
  sid?: string;
  username?: string;
  role?: string;
  branch_id?: string | null;
  department_id?: string | null;
}

declare module 'express' {
  interface Request {
    user?: AuthUser;
  }
}
