/**
 * Links made before the rule of SPEC §4 (an application links an existing customer only when
 * its creator may see the customer or the customer is of the creator's branch) that the rule
 * would have refused, for review (`npm run cli -- customer-links`; read-only). For each linked
 * application, its creator (`created_by`, else `user_id`) as they are now: not an admin; the
 * customer not linkable by its own columns (`isLinkableByItsColumns`: not of their branch, not
 * registered by them, not within their role's scope), and no earlier application of the
 * customer that someone else created in their scope (their own cannot vouch for each other).
 * The rule of `linkableCustomerCondition`, per row: each module reads its own tables.
 */
import { type DataSource, type EntityManager, In } from 'typeorm';
import { Branch } from '../../branches/branch.entity';
import { recordScopeOf } from '../../common/auth/record-scope';
import { type CustomerPlace, findCustomerPlaces } from '../../customers/customer-queries';
import { isLinkableByItsColumns } from '../../customers/customer-scope';
import { findUserSummaries, type UserSummary } from '../../users/user-queries';
import { type ApplicationScopeFields, isApplicationInScope } from '../application-scope';

/** An application linked to a customer its creator could not see. */
export interface UnseenCustomerLink {
  application_id: string;
  customer_id: string;
  creator_id: string;
  creator_username: string;
  creator_branch: string | null;
  customer_branch: string | null;
}

/** Linked applications read per query, in the order of the report. */
const BATCH = 5000;

interface LinkRow {
  id: string;
  customer_id: string;
  creator_id: string;
  /** created_at as PostgreSQL's text, which keeps the microseconds a JS Date would drop. */
  cursor_created_at: string;
}

/** The next linked applications after `after`, oldest first (then by id). */
function linkedApplications(manager: EntityManager, after: LinkRow | null): Promise<LinkRow[]> {
  const select = `SELECT id, customer_id, coalesce(created_by, user_id) AS creator_id,
                         CAST(created_at AS text) AS cursor_created_at
                    FROM customer_applications
                   WHERE customer_id IS NOT NULL`;
  const order = `ORDER BY created_at, id LIMIT ${BATCH}`;
  return after
    ? manager.query(
        `${select} AND (created_at, id) > (CAST($1 AS timestamptz), CAST($2 AS uuid)) ${order}`,
        [after.cursor_created_at, after.id],
      )
    : manager.query(`${select} ${order}`);
}

/**
 * For each of these applications, the earlier applications of its customer that someone else
 * created (who could vouch for the customer), with the columns their scope looks at.
 */
async function earlierApplicationsByOthers(
  manager: EntityManager,
  ids: readonly string[],
): Promise<Map<string, ApplicationScopeFields[]>> {
  const rows = await manager.query<
    {
      application_id: string;
      user_id: string;
      assigned_reviewer: string | null;
      branch_id: string | null;
      department_id: string | null;
    }[]
  >(
    `SELECT a.id AS application_id, o.user_id, o.assigned_reviewer, o.branch_id, o.department_id
       FROM customer_applications a
       JOIN customer_applications o
         ON o.customer_id = a.customer_id AND o.id <> a.id AND o.created_at < a.created_at
        AND coalesce(o.created_by, o.user_id) <> coalesce(a.created_by, a.user_id)
      WHERE a.id = ANY($1::uuid[])`,
    [ids],
  );
  const vouchers = new Map<string, ApplicationScopeFields[]>();
  for (const row of rows) {
    const list = vouchers.get(row.application_id) ?? [];
    list.push({
      userId: row.user_id,
      assignedReviewer: row.assigned_reviewer,
      branchId: row.branch_id,
      departmentId: row.department_id,
    });
    vouchers.set(row.application_id, list);
  }
  return vouchers;
}

export async function findUnseenCustomerLinks(
  dataSource: DataSource,
): Promise<UnseenCustomerLink[]> {
  const manager = dataSource.manager;
  const found: { link: LinkRow; creator: UserSummary; customer: CustomerPlace }[] = [];
  for (let after: LinkRow | null = null; ;) {
    const links = await linkedApplications(manager, after);
    const [creators, customers] = await Promise.all([
      findUserSummaries(
        manager,
        links.map((link) => link.creator_id),
      ),
      findCustomerPlaces(
        manager,
        links.map((link) => link.customer_id),
      ),
    ]);
    const creatorOf = new Map(creators.map((user) => [user.id, user]));
    const customerOf = new Map(customers.map((customer) => [customer.id, customer]));
    const suspects = links.flatMap((link) => {
      const creator = creatorOf.get(link.creator_id);
      const customer = customerOf.get(link.customer_id);
      if (!creator || !customer) return [];
      if (isLinkableByItsColumns(recordScopeOf(creator), creator.branchId, customer)) return [];
      return [{ link, creator, customer }];
    });
    const vouchers = await earlierApplicationsByOthers(
      manager,
      suspects.map(({ link }) => link.id),
    );
    for (const suspect of suspects) {
      const scope = recordScopeOf(suspect.creator);
      const others = vouchers.get(suspect.link.id) ?? [];
      if (!others.some((other) => isApplicationInScope(scope, other))) found.push(suspect);
    }
    if (links.length < BATCH) break;
    after = links[links.length - 1];
  }
  const names = await branchNames(
    manager,
    found.flatMap(({ creator, customer }) => [creator.branchId, customer.branchId]),
  );
  const nameOf = (id: string | null) => (id === null ? null : (names.get(id) ?? null));
  return found.map(({ link, creator, customer }) => ({
    application_id: link.id,
    customer_id: link.customer_id,
    creator_id: creator.id,
    creator_username: creator.username,
    creator_branch: nameOf(creator.branchId),
    customer_branch: nameOf(customer.branchId),
  }));
}

/** The names of these branches. */
async function branchNames(
  manager: EntityManager,
  ids: readonly (string | null)[],
): Promise<Map<string, string>> {
  const present = [...new Set(ids.filter((id): id is string => id !== null))];
  if (present.length === 0) return new Map();
  const branches = await manager
    .getRepository(Branch)
    .find({ select: { id: true, name: true }, where: { id: In(present) } });
  return new Map(branches.map((branch) => [branch.id, branch.name]));
}
