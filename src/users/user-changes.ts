/** Pure helpers for updates: which columns a request really changes, and LIKE escaping. */
import type { User } from './user.entity';

/** The columns a request may write (the password hash is set apart). */
export type EditableColumn =
  | 'username'
  | 'email'
  | 'firstName'
  | 'lastName'
  | 'phoneNumber'
  | 'employeeId'
  | 'role'
  | 'status'
  | 'departmentId'
  | 'branchId'
  | 'positionId'
  | 'profileImageUrl';

export type ColumnChanges = { [K in EditableColumn]?: { from: User[K]; to: User[K] } };

/** Requested values; `undefined` means "not in the request". */
export type RequestedValues = { [K in EditableColumn]?: User[K] | undefined };

/** The requested values that differ from the user's current ones, with both sides. */
export function changedColumns(user: User, requested: RequestedValues): ColumnChanges {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [column, to] of Object.entries(requested)) {
    const from = user[column as EditableColumn];
    if (to !== undefined && to !== from) changes[column] = { from, to };
  }
  return changes as ColumnChanges;
}

/** The changes as the audit trail keeps them: API field names (snake_case), from and to. */
export function changesForAudit(changes: ColumnChanges): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(changes).map(([column, change]) => [
      column.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
      change,
    ]),
  );
}

