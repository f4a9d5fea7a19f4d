/** The columns an update may write, and how the audit trail records their changes. */
import type { Changes } from '../common/changes';
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

/** What a request changes (`changesOf` over the user's editable columns). */
export type ColumnChanges = Changes<Pick<User, EditableColumn>>;

/** The changes as the audit trail keeps them: API field names (snake_case), from and to. */
export function changesForAudit(changes: ColumnChanges): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(changes).map(([column, change]) => [
      column.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
      change,
    ]),
  );
}
