import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { UnitsForUsers } from '../org-units/unit-lookups';
import { Department } from './department.entity';

/** What users asks of departments: whether one exists, whether a user manages one. */
@Injectable()
export class DepartmentsForUsers extends UnitsForUsers<Department> {
  constructor(txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super(txHost, Department);
  }
}
