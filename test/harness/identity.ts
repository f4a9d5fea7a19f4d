import { hashSync } from 'bcryptjs';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SessionsService } from '../../src/credentials/sessions.service';
import { AccessTokenService } from '../../src/common/auth/access-token.service';
import type { AuthUser } from '../../src/common/auth/auth-user';
import type { Role } from '../../src/common/auth/permissions';
import { User } from '../../src/users/user.entity';

/** The password of every user the factory makes. */
export const TEST_PASSWORD = 'Password1!';
const TEST_PASSWORD_HASH = hashSync(TEST_PASSWORD, 4);

let sequence = 0;

export type UserOverrides = Partial<Omit<User, 'passwordHash'>> & { password?: string };

/** A signed-in user: the row and the `Authorization` header of a real session. */
export type Actor = { user: User; bearer: string };

/** A user with unique names, inserted straight into the database. */
export async function createUser(
  app: INestApplication,
  overrides: UserOverrides = {},
): Promise<User> {
  sequence += 1;
  const tag = `${sequence}${randomBytes(3).toString('hex')}`;
  const { password, ...fields } = overrides;
  const users = app.get(DataSource).getRepository(User);
  return users.save(
    users.create({
      username: `user_${tag}`,
      email: `user_${tag}@example.test`,
      firstName: 'Test',
      lastName: `User ${tag}`,
      role: 'officer',
      status: 'active',
      ...fields,
      passwordHash: password ? hashSync(password, 4) : TEST_PASSWORD_HASH,
    }),
  );
}

/** `Bearer <access token>` for a real session of `user`, as login would issue it. */
export async function bearerFor(app: INestApplication, user: User): Promise<string> {
  const { sessionId } = await app.get(SessionsService).start(user.id, { ip: '127.0.0.1' });
  return `Bearer ${app.get(AccessTokenService).sign({ sub: user.id, sid: sessionId })}`;
}

/** A new user (of `role`, or with these fields) and a bearer for them. */
export async function signIn(
  app: INestApplication,
  roleOrFields: Role | UserOverrides,
): Promise<Actor> {
  const fields = typeof roleOrFields === 'string' ? { role: roleOrFields } : roleOrFields;
  const user = await createUser(app, fields);
  return { user, bearer: await bearerFor(app, user) };
}

/** `user` as the guards put the caller on a request, for calling services directly. */
export function authUserOf(user: User, sessionId = 'test'): AuthUser {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    branchId: user.branchId ?? null,
    departmentId: user.departmentId ?? null,
    sessionId,
  };
}

/** The roles other than admin, in the order the suites sign them in. */
export const NON_ADMIN_ROLES = ['manager', 'officer', 'viewer'] as const;
export type NonAdminRole = (typeof NON_ADMIN_ROLES)[number];

/**
 * Signs in a new admin and then one new user of each other role (no branch, no department):
 * the admin's bearer and id, and the bearer of each of the others.
 */
export async function signInEveryRole(
  app: INestApplication,
): Promise<{ admin: string; adminId: string; others: Record<NonAdminRole, string> }> {
  const admin = await signIn(app, 'admin');
  const others = {} as Record<NonAdminRole, string>;
  for (const role of NON_ADMIN_ROLES) others[role] = (await signIn(app, role)).bearer;
  return { admin: admin.bearer, adminId: admin.user.id, others };
}
