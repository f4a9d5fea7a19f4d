import { HttpStatus, NotFoundException } from '@nestjs/common';
import type { EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import type { AuditRecord, AuditService } from '../audit/audit.service';
import { assertIfMatch, type IfMatch } from '../common/http/etag';
import { ProblemException } from '../common/http/problem';
import { statusChange } from './apply-changes';
import type { ApplicationUnitColumn } from './org-counts';
import { stillReferenced } from './org-http';
import { countUsersOf, EVERY_USER } from './org-users';

/**
 * The writes that departments and branches do alike (toggle-status, delete with its 409),
 * as functions over a description of the unit. Each service keeps its own create, update
 * and reads, and calls these inside its transaction.
 */

/** The columns of a department or branch that the helpers below touch. */
export interface OrgUnitRow {
  id: string;
  name: string;
  code: string;
  isActive: boolean;
  version: number;
}

export interface OrgUnitKind<E extends OrgUnitRow> {
  entity: EntityTarget<E>;
  /** The audit entity type and the prefix of its actions (`department.deleted`). */
  type: 'department' | 'branch';
  /** The users and applications column that points at a unit. */
  column: ApplicationUnitColumn;
  notFound: string;
  /** How users belong, said of one and of many: "works at this branch", "work at this branch". */
  membership: [singular: string, plural: string];
}

/** A unit's own audit events name it as their branch or department, for scoped reading. */
export function unitAuditScope(
  kind: Pick<OrgUnitKind<OrgUnitRow>, 'column'>,
  id: string,
): Pick<AuditRecord, 'branchId' | 'departmentId'> {
  return kind.column === 'branch_id' ? { branchId: id } : { departmentId: id };
}

/** The row locked for this transaction, checked against If-Match (412 when stale). */
export async function lockUnit<E extends OrgUnitRow>(
  manager: EntityManager,
  kind: OrgUnitKind<E>,
  id: string,
  ifMatch: IfMatch | undefined,
): Promise<E> {
  const unit = await manager.getRepository(kind.entity).findOne({
    where: { id } as FindOptionsWhere<E>,
    lock: { mode: 'pessimistic_write' },
  });
  if (!unit) throw new NotFoundException(kind.notFound);
  assertIfMatch(ifMatch, unit.version);
  return unit;
}

/** Activates an inactive unit or deactivates an active one, audited. Call in a transaction. */
export async function toggleUnitStatus<E extends OrgUnitRow>(
  manager: EntityManager,
  audit: AuditService,
  kind: OrgUnitKind<E>,
  id: string,
  ifMatch: IfMatch | undefined,
): Promise<void> {
  const unit = await lockUnit(manager, kind, id, ifMatch);
  const wasActive = unit.isActive;
  unit.isActive = !wasActive;
  await manager.getRepository(kind.entity).save(unit);
  await audit.record({
    action: `${kind.type}.status_changed`,
    entityType: kind.type,
    entityId: id,
    ...unitAuditScope(kind, id),
    ...statusChange(wasActive, unit.isActive),
    details: { is_active: unit.isActive },
  });
}

/**
 * Deletes a unit, audited; refused (409, saying how many) while users belong to it, as they
 * must be moved first. Call in a transaction.
 */
export async function removeUnit<E extends OrgUnitRow>(
  manager: EntityManager,
  audit: AuditService,
  kind: OrgUnitKind<E>,
  id: string,
  ifMatch: IfMatch | undefined,
): Promise<void> {
  const unit = await lockUnit(manager, kind, id, ifMatch);
  const { user_count } = await countUsersOf(manager, kind.column, id, EVERY_USER);
  if (user_count > 0) throw stillReferenced(user_count, ...kind.membership);
  await assertNoRecordsMadeIn(manager, kind, id);
  await manager.getRepository(kind.entity).delete(id);
  await audit.record({
    action: `${kind.type}.deleted`,
    entityType: kind.type,
    entityId: id,
    ...unitAuditScope(kind, id),
    details: { name: unit.name, code: unit.code },
  });
}

/**
 * Applications and customers keep the unit they were made in (for scope and history), so a
 * unit that has any cannot go: 409 saying so, and to deactivate it instead.
 */
async function assertNoRecordsMadeIn<E extends OrgUnitRow>(
  manager: EntityManager,
  kind: OrgUnitKind<E>,
  id: string,
): Promise<void> {
  const [row] = await manager.query<{ applications: number; customers: number }[]>(
    `SELECT (SELECT count(*)::int FROM customer_applications WHERE ${kind.column} = $1) AS applications,
            (SELECT count(*)::int FROM customers WHERE ${kind.column} = $1) AS customers`,
    [id],
  );
  if (!row || (row.applications === 0 && row.customers === 0)) return;
  const made = [
    row.applications > 0
      ? `${row.applications} customer application${row.applications === 1 ? '' : 's'}`
      : '',
    row.customers > 0 ? `${row.customers} customer${row.customers === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const one = row.applications + row.customers === 1;
  throw new ProblemException(
    HttpStatus.CONFLICT,
    `${made} ${one ? 'was' : 'were'} recorded in this ${kind.type} and ${one ? 'keeps' : 'keep'} it for their history; deactivate it instead (toggle-status).`,
    {
      type: 'still-referenced',
      extensions: { application_count: row.applications, customer_count: row.customers },
    },
  );
}
