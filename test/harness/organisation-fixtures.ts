import { Branch } from '../../src/branches/branch.entity';
import { Department } from '../../src/departments/department.entity';
import { Position } from '../../src/positions/position.entity';
import type { TestApp } from './test-app';
import { tag } from './unique';

/**
 * Branches, departments and positions with unique names: as POST bodies (`new…Body`, for the
 * suites that create them over HTTP) and as rows saved straight through the repositories
 * (`make…`, for the suites that only need them to exist).
 */

/** A valid POST /branches body. */
export function newBranchBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const id = tag();
  return { name: `Branch ${id}`, code: `B${id}`, address: `${id} Street`, ...fields };
}

/** A valid POST /departments body. */
export function newDepartmentBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const id = tag();
  return { name: `Department ${id}`, code: `D${id}`, ...fields };
}

/** A valid POST /positions body. */
export function newPositionBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `Position ${tag()}`, ...fields };
}

export function makeBranch(t: TestApp, fields: Partial<Branch> = {}): Promise<Branch> {
  return t.dataSource.getRepository(Branch).save({ ...newBranchBody(), ...fields });
}

export function makeDepartment(t: TestApp, fields: Partial<Department> = {}): Promise<Department> {
  return t.dataSource.getRepository(Department).save({ ...newDepartmentBody(), ...fields });
}

export function makePosition(t: TestApp, fields: Partial<Position> = {}): Promise<Position> {
  return t.dataSource.getRepository(Position).save({ ...newPositionBody(), ...fields });
}
