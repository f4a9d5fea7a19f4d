import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { EntityTarget, FindOptionsWhere } from 'typeorm';
import type { UnitForUsers } from '../users/units-for-users';
import type { OrgUnitRow } from './org-unit.service';

/**
 * What users asks of departments and branches (users/units-for-users.ts), over the entity of
 * the module that provides it: one indexed lookup each (by primary key, by manager_id).
 */
export class UnitsForUsers<E extends OrgUnitRow> implements UnitForUsers {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly entity: EntityTarget<E>,
  ) {}

  exists(id: string): Promise<boolean> {
    return this.txHost.tx.getRepository(this.entity).existsBy({ id } as FindOptionsWhere<E>);
  }

  managedBy(userId: string): Promise<boolean> {
    return this.txHost.tx
      .getRepository(this.entity)
      .existsBy({ managerId: userId } as FindOptionsWhere<E>);
  }
}
