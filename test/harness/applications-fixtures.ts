import { randomBytes } from 'node:crypto';
import type { User } from '../../src/users/user.entity';
import { expectStatus } from './expect';
import { createdAs, requestsAs } from './http';
import type { Actor } from './identity';
import { makeBranch, makeDepartment } from './organisation-fixtures';
import { tag } from './unique';
import type { TestApp } from './test-app';

/**
 * Applications for the e2e suites, made over HTTP as a client would (so the create path is
 * exercised too), and the organisation around them.
 */

/** A unique id number in the format of a Cambodian national id. */
export const newIdNumber = () => `${Date.now() % 1_000_000_000}${randomBytes(2).readUInt16BE()}`;

/** A complete application body (everything the default submit check needs, and more). */
export function applicationBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id_card_type: 'cambodian_identity',
    id_number: newIdNumber(),
    full_name_latin: `Sok Dara ${tag()}`,
    full_name_khmer: 'សុខ ដារា',
    phone: '012 345 678',
    date_of_birth: '1990-04-15',
    current_address: 'Street 271, Phnom Penh',
    occupation: 'Shop owner',
    monthly_income: 1200,
    income_source: 'business',
    requested_amount: 5000,
    loan_purposes: ['commerce'],
    product_type: 'monthly_loan',
    desired_loan_term: '12_months',
    interest_rate: 18,
    monthly_expenses: 300,
    existing_loans: [],
    collaterals: [{ type: 'land', description: 'Plot in Kandal', estimated_value: 12000 }],
    ...fields,
  };
}

export interface Unit {
  branchId: string;
  departmentId: string;
}

/** A branch and a department for one team. */
export async function makeUnit(t: TestApp): Promise<Unit> {
  const [branch, department] = await Promise.all([makeBranch(t), makeDepartment(t)]);
  return { branchId: branch.id, departmentId: department.id };
}

/** A user of `role` working in `unit`. */
export function member(t: TestApp, role: User['role'], unit: Unit): Promise<Actor> {
  return t.signIn({ role, branchId: unit.branchId, departmentId: unit.departmentId });
}

/** An application as JSON; tests read its fields freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApplicationJson = Record<string, any>;

/** POST /applications as `actor`; fails the test unless 201. */
export async function createApplication(
  t: TestApp,
  actor: Actor,
  fields: Record<string, unknown> = {},
): Promise<ApplicationJson> {
  return createdAs<ApplicationJson>(t, actor, '/applications', applicationBody(fields));
}

/** PATCH /applications/{id}/{action} as `actor`. */
export function transition(
  t: TestApp,
  actor: Actor,
  id: string,
  action: string,
  body: Record<string, unknown> = {},
) {
  return requestsAs(t, actor).patch(`/applications/${id}/${action}`, body);
}

/** One lifecycle step: who takes which action (PATCH /applications/{id}/{action}), with a body. */
export type Step = [actor: Actor, action: string, body?: Record<string, unknown>];

/**
 * Takes `steps` on application `id` in order, each of which must answer 200; the application
 * as the last step answered it (undefined when there was none).
 */
export async function runTransitions(
  t: TestApp,
  id: string,
  steps: Step[],
): Promise<ApplicationJson | undefined> {
  let application: ApplicationJson | undefined;
  for (const [actor, action, body] of steps) {
    const res = await transition(t, actor, id, action, body);
    expectStatus(res, 200);
    application = res.body;
  }
  return application;
}

/**
 * `count` bare applications straight into the table (no folders, files or audit; a draft in USD
 * unless told), for suites that only count them or need a row naming a user or a customer.
 */
export async function insertApplications(
  t: TestApp,
  count: number,
  fields: {
    userId: string;
    branchId?: string | null;
    departmentId?: string | null;
    customerId?: string | null;
    status?: string;
    requestedAmount?: string | null;
    createdAt?: string;
  },
): Promise<string[]> {
  const rows: { id: string }[] = await t.dataSource.query(
    `INSERT INTO customer_applications
       (id, user_id, branch_id, department_id, customer_id, status, currency, requested_amount,
        created_at)
     SELECT gen_random_uuid(), $1, $2, $3, $4, $5, 'USD', $6::numeric,
            coalesce($7::timestamptz, now())
       FROM generate_series(1, $8)
     RETURNING id`,
    [
      fields.userId,
      fields.branchId ?? null,
      fields.departmentId ?? null,
      fields.customerId ?? null,
      fields.status ?? 'draft',
      fields.requestedAmount ?? null,
      fields.createdAt ?? null,
      count,
    ],
  );
  return rows.map((row) => row.id);
}
