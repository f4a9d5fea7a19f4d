import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { UnitsForUsers } from '../org-units/unit-lookups';
import { Branch } from './branch.entity';

/** What users asks of branches: whether one exists, whether a user manages one. */
@Injectable()
export class BranchesForUsers extends UnitsForUsers<Branch> {
  constructor(txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super(txHost, Branch);
  }
}
