/**
 * Read-only queries on users for other modules (STYLE "Boundaries": a module owns its tables,
 * others run the read-only query functions it exports). They never read credentials.
 */
import { type EntityManager, In } from 'typeorm';
import { User } from './user.entity';

/** A user as other modules need them: who they are, their role, status and place. */
export type UserSummary = Pick<
  User,
  | 'id'
  | 'username'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'phoneNumber'
  | 'role'
  | 'status'
  | 'branchId'
  | 'departmentId'
>;

const SUMMARY = {
  id: true,
  username: true,
  firstName: true,
  lastName: true,
  email: true,
  phoneNumber: true,
  role: true,
  status: true,
  branchId: true,
  departmentId: true,
} as const;

/** The users with these ids (those that exist), in no particular order. */
export function findUserSummaries(
  manager: EntityManager,
  ids: readonly string[],
): Promise<UserSummary[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return manager
    .getRepository(User)
    .find({ select: SUMMARY, where: { id: In([...new Set(ids)]) } });
}

/** The user with this id, or null. */
export async function findUserSummary(
  manager: EntityManager,
  id: string,
): Promise<UserSummary | null> {
  return (await findUserSummaries(manager, [id]))[0] ?? null;
}

/** A manager who may be given an application to review. */
export type ManagerPlace = Pick<User, 'id' | 'branchId' | 'departmentId'>;

/** The active managers, except `excludedIds` (those barred from an application). */
export function findActiveManagers(
  manager: EntityManager,
  excludedIds: readonly string[],
): Promise<ManagerPlace[]> {
  return manager
    .getRepository(User)
    .createQueryBuilder('u')
    .select(['u.id', 'u.branchId', 'u.departmentId'])
    .where(`u.role = 'manager' AND u.status = 'active'`)
    .andWhere('u.id <> ALL(CAST(:excludedIds AS uuid[]))', { excludedIds })
    .getMany();
}
