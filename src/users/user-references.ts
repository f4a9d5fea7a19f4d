import { Inject, Injectable } from '@nestjs/common';
import type { FieldError } from '../common/http/problem';
import {
  APPLICATIONS_NAMING_USER,
  CUSTOMERS_NAMING_USER,
  FILES_NAMING_USER,
  FOLDERS_NAMING_USER,
  type RecordsNamingUser,
} from './records-naming-user';
import {
  BRANCHES_FOR_USERS,
  DEPARTMENTS_FOR_USERS,
  type PlacementForUsers,
  POSITIONS_FOR_USERS,
  type UnitForUsers,
} from './units-for-users';
import { OWNED_RECORD_KINDS, type OwnedRecordKind } from './user-rules';

/** A user's place in the organisation, as a request gives it (null or undefined: none). */
export interface Placement {
  department_id?: string | null;
  branch_id?: string | null;
  position_id?: string | null;
}

/**
 * What the other modules hold about a user, asked through their tokens (units-for-users.ts,
 * records-naming-user.ts): whether the units a user is placed in exist, and which records
 * name the user. Each answer is one indexed lookup in the caller's transaction.
 */
@Injectable()
export class UserReferences {
  private readonly placements: Record<keyof Placement, PlacementForUsers>;
  private readonly owned: Record<OwnedRecordKind, (userId: string) => Promise<boolean>>;

  constructor(
    @Inject(DEPARTMENTS_FOR_USERS) departments: UnitForUsers,
    @Inject(BRANCHES_FOR_USERS) branches: UnitForUsers,
    @Inject(POSITIONS_FOR_USERS) positions: PlacementForUsers,
    @Inject(APPLICATIONS_NAMING_USER) applications: RecordsNamingUser,
    @Inject(CUSTOMERS_NAMING_USER) customers: RecordsNamingUser,
    @Inject(FOLDERS_NAMING_USER) folders: RecordsNamingUser,
    @Inject(FILES_NAMING_USER) files: RecordsNamingUser,
  ) {
    this.placements = { department_id: departments, branch_id: branches, position_id: positions };
    this.owned = {
      managed_units: async (userId) =>
        (await departments.managedBy(userId)) || (await branches.managedBy(userId)),
      applications: (userId) => applications.namesUser(userId),
      customers: (userId) => customers.namesUser(userId),
      folders: (userId) => folders.namesUser(userId),
      files: (userId) => files.namesUser(userId),
    };
  }

  /**
   * The kinds of records that name the user, in the order of OWNED_RECORD_KINDS. One after the
   * other: they share the caller's transaction, hence one connection.
   */
  async ownedRecordKinds(userId: string): Promise<OwnedRecordKind[]> {
    const kinds: OwnedRecordKind[] = [];
    for (const kind of OWNED_RECORD_KINDS) {
      if (await this.owned[kind](userId)) kinds.push(kind);
    }
    return kinds;
  }

  /** A 422 error for each unit given (not null/undefined) that does not exist, in field order. */
  async missingPlacements(placement: Placement): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    for (const key of Object.keys(this.placements) as (keyof Placement)[]) {
      const id = placement[key];
      if (!id || (await this.placements[key].exists(id))) continue;
      errors.push({
        loc: ['body', key],
        msg: `refers to a ${key.replace('_id', '')} that does not exist`,
        type: 'foreign_key',
      });
    }
    return errors;
  }
}
