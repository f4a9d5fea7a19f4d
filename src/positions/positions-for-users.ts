import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { PlacementForUsers } from '../users/units-for-users';
import { Position } from './position.entity';

/** What users asks of positions (users/units-for-users.ts): whether one exists. */
@Injectable()
export class PositionsForUsers implements PlacementForUsers {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  exists(id: string): Promise<boolean> {
    return this.txHost.tx.getRepository(Position).existsBy({ id });
  }
}
