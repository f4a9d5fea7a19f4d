import type { DataSource } from 'typeorm';

/** An application linked to a customer its creator could not see (see the query below). */
export interface UnseenCustomerLink {
  application_id: string;
  customer_id: string;
  creator_id: string;
  creator_username: string;
  creator_branch: string | null;
  customer_branch: string | null;
}

/**
 * Links made before the rule of SPEC §4 (an application links an existing customer only when
 * its creator may see the customer or the customer is of the creator's branch) that the rule
 * would have refused: the creator (`created_by`, else `user_id`), as they are now, is not an
 * admin, the customer is not of their branch, they did not register it, their role's scope
 * does not reach its branch or department (record-scope.ts: viewer the branch, manager the
 * branch or department), and no earlier application of the customer that someone else
 * created is in their scope (their own cannot vouch for each other). Read-only; for review
 * (`npm run cli -- customer-links`). Mirrors `linkableCustomerCondition`, per row.
 */
export function findUnseenCustomerLinks(dataSource: DataSource): Promise<UnseenCustomerLink[]> {
  return dataSource.query(`
    SELECT a.id AS application_id, c.id AS customer_id, u.id AS creator_id,
           u.username AS creator_username, ub.name AS creator_branch, cb.name AS customer_branch
      FROM customer_applications a
      JOIN customers c ON c.id = a.customer_id
      JOIN users u ON u.id = coalesce(a.created_by, a.user_id)
      LEFT JOIN branches ub ON ub.id = u.branch_id
      LEFT JOIN branches cb ON cb.id = c.branch_id
     WHERE u.role <> 'admin'
       AND (u.branch_id IS NULL OR c.branch_id IS DISTINCT FROM u.branch_id)
       AND c.created_by IS DISTINCT FROM u.id
       AND NOT coalesce(u.role = 'manager' AND c.department_id = u.department_id, false)
       AND NOT EXISTS (
         SELECT 1 FROM customer_applications o
          WHERE o.customer_id = c.id AND o.id <> a.id AND o.created_at < a.created_at
            AND coalesce(o.created_by, o.user_id) <> u.id
            AND (o.user_id = u.id OR o.assigned_reviewer = u.id
                 OR (u.role IN ('manager', 'viewer') AND o.branch_id = u.branch_id)
                 OR (u.role = 'manager' AND o.department_id = u.department_id)))
     ORDER BY a.created_at, a.id`);
}
