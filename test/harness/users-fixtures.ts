import { Branch } from '../../src/branches/branch.entity';
import { Department } from '../../src/departments/department.entity';
import { Position } from '../../src/positions/position.entity';
import type { TestApp } from './test-app';
import { tag } from './unique';

/**
 * Organisation rows for the users suites, saved straight through the repositories (the
 * departments, branches and positions routes are written separately).
 */

export function makeBranch(t: TestApp, fields: Partial<Branch> = {}): Promise<Branch> {
  const id = tag();
  return t.dataSource
    .getRepository(Branch)
    .save({ name: `Branch ${id}`, code: `B${id}`, address: `${id} Street`, ...fields });
}

export function makeDepartment(t: TestApp, fields: Partial<Department> = {}): Promise<Department> {
  const id = tag();
  return t.dataSource
    .getRepository(Department)
    .save({ name: `Department ${id}`, code: `D${id}`, ...fields });
}

export function makePosition(t: TestApp, fields: Partial<Position> = {}): Promise<Position> {
  return t.dataSource.getRepository(Position).save({ name: `Position ${tag()}`, ...fields });
}

/** A valid POST /users body with unique names. */
export function newUserBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const id = tag();
  return {
    username: `new.user_${id}`,
    email: `new_${id}@example.test`,
    password: 'Str0ngPassword',
    first_name: 'Dara',
    last_name: `Sok ${id}`,
    ...fields,
  };
}
