/**
 * The users of the biggest demo run in a database (usernames `demo-<tag>-...`, the run whose
 * officers created the most applications), in the seed's order: shared by the bench scripts.
 */
import type { DemoUser } from '../../src/seed/demo-organisation';
import { PROVINCES } from '../../src/seed/demo-population';
import { DEMO_PASSWORD } from '../../src/seed/demo-seed';

/** Runs SQL with positional parameters; the rows. */
export type Query = (sql: string, parameters?: unknown[]) => Promise<unknown[]>;

export async function existingDemoUsers(query: Query): Promise<DemoUser[]> {
  const [run] = (await query(
    `SELECT substring(u.username FROM '^demo-[^-]+-') AS prefix
       FROM customer_applications a JOIN users u ON u.id = a.user_id
      WHERE u.username LIKE 'demo-%'
      GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
  )) as { prefix: string }[];
  if (!run) throw new Error('No demo users in this database: seed it or use a fresh data dir');
  return (await query(
    `SELECT u.username, u.role, b.name AS branch
       FROM users u LEFT JOIN branches b ON b.id = u.branch_id
      WHERE u.username LIKE $1
      ORDER BY u.branch_id IS NOT NULL, array_position($2::text[], b.name), b.name, u.username`,
    [`${run.prefix}%`, PROVINCES.map((province) => province.name)],
  )) as DemoUser[];
}

/** Signs a demo user in (the seed's password) at `base`; the access token. */
export async function loginAsDemoUser(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
