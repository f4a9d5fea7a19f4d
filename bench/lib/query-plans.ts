/**
 * EXPLAIN (ANALYZE, BUFFERS) of the applications list and count queries, built with this
 * checkout's query builders (src/applications/application-queries.ts) as ApplicationsService.list
 * builds them. Kept apart: other work changes those builders, and only this file imports them.
 */
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import {
  filterApplications,
  orderApplications,
  scopeApplications,
} from '../../src/applications/application-queries';
import { CustomerApplication } from '../../src/applications/application.entity';
import type { RecordScope } from '../../src/common/auth/record-scope';
import { FieldCipher } from '../../src/common/crypto/field-cipher';
import { dataSourceOptions } from '../../src/database/data-source-options';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Actual Total Time': number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  'Rows Removed by Filter'?: number;
  'Sort Key'?: string[];
  'Sort Method'?: string;
  'Workers Launched'?: number;
  Plans?: PlanNode[];
}

export interface Explained {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
}

/** Runs the query's EXPLAIN twice (the first warms the cache, as a running server's is). */
export async function explain(
  dataSource: DataSource,
  qb: SelectQueryBuilder<CustomerApplication>,
): Promise<Explained> {
  const [sql, params] = qb.getQueryAndParameters();
  return explainSql(dataSource, sql, params);
}

/** EXPLAIN (ANALYZE, BUFFERS) of SQL with its parameters, twice (the second is returned). */
export async function explainSql(
  dataSource: DataSource,
  sql: string,
  params: unknown[],
): Promise<Explained> {
  const run = async () => {
    const rows = (await dataSource.query(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
      params,
    )) as { 'QUERY PLAN': Explained[] }[];
    return rows[0]['QUERY PLAN'][0];
  };
  await run();
  return run();
}

function describeNode(node: PlanNode): string {
  const on = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
  const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const details = [
    `rows=${node['Actual Rows']}${node['Actual Loops'] > 1 ? ` x${node['Actual Loops']}` : ''}`,
    `${node['Actual Total Time'].toFixed(2)} ms`,
    `buffers hit=${node['Shared Hit Blocks'] ?? 0} read=${node['Shared Read Blocks'] ?? 0}`,
  ];
  if (node['Workers Launched']) details.push(`workers ${node['Workers Launched']}`);
  if (node['Sort Key'])
    details.push(`sort ${node['Sort Key'].join(', ')} (${node['Sort Method']})`);
  if (node['Rows Removed by Filter'])
    details.push(`removed by filter ${node['Rows Removed by Filter']}`);
  const condition = node['Index Cond'] ?? node['Recheck Cond'] ?? node.Filter;
  if (condition) details.push(condition.length > 90 ? `${condition.slice(0, 87)}...` : condition);
  return `${node['Node Type']}${using}${on}  ${details.join('  ')}`;
}

/** The indexes a plan reads, and the tables it reads whole (sequential scans), by name. */
export function indexUse(explained: Explained): { indexes: string[]; seqScans: string[] } {
  const indexes = new Set<string>();
  const seqScans = new Set<string>();
  const walk = (node: PlanNode) => {
    if (node['Index Name']) indexes.add(node['Index Name']);
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) {
      seqScans.add(`${node['Relation Name']} (${node['Actual Rows']} rows kept)`);
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(explained.Plan);
  return { indexes: [...indexes], seqScans: [...seqScans] };
}

/** A plan as a few indented lines, headed by its execution and planning time. */
export function planLines(label: string, explained: Explained, maxLines = 8): string[] {
  const lines = [
    `${label}: execution ${explained['Execution Time'].toFixed(2)} ms, planning ${explained['Planning Time'].toFixed(2)} ms`,
  ];
  const walk = (node: PlanNode, depth: number) => {
    if (lines.length > maxLines) return;
    lines.push(`  ${'  '.repeat(depth)}${describeNode(node)}`);
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(explained.Plan, 0);
  return lines;
}

/** The record scope of a user, as the authentication guard derives it (admin: everything). */
export async function scopeOf(dataSource: DataSource, username: string): Promise<RecordScope> {
  const [row] = (await dataSource.query(
    'SELECT id, role, branch_id, department_id FROM users WHERE username = $1',
    [username],
  )) as { id: string; role: string; branch_id: string | null; department_id: string | null }[];
  if (row.role === 'admin') return { kind: 'all' };
  return {
    kind: 'limited',
    userId: row.id,
    branchId: row.branch_id,
    departmentId: row.department_id,
  };
}

/**
 * The list page (page 1, `size`), its count, and a page deeper in a status (`submitted`, page 8:
 * what the work queues ask) for each user, as text lines.
 */
export async function explainListQueries(
  dataSource: DataSource,
  cipher: FieldCipher,
  users: { role: string; username: string }[],
  size = 20,
): Promise<string[]> {
  const lines: string[] = [];
  for (const user of users) {
    const scope = await scopeOf(dataSource, user.username);
    // No date filter here, so the time zone plays no part.
    const filtered = (filters: Parameters<typeof filterApplications>[1] = {}) =>
      filterApplications(
        scopeApplications(
          dataSource.getRepository(CustomerApplication).createQueryBuilder('a'),
          scope,
        ),
        filters,
        { timeZone: 'UTC', cipher },
      );
    const list = orderApplications(filtered()).offset(0).limit(size);
    const inStatus = orderApplications(filtered({ status: ['submitted'] }))
      .offset(7 * size)
      .limit(size);
    // What getCount() runs for a query without joins.
    const count = filtered().select('COUNT(1)', 'cnt');
    lines.push(
      ...planLines(`${user.role} list (page 1, size ${size})`, await explain(dataSource, list)),
    );
    lines.push(...planLines(`${user.role} count`, await explain(dataSource, count)));
    lines.push(
      ...planLines(
        `${user.role} list, status submitted (page 8, size ${size})`,
        await explain(dataSource, inStatus),
      ),
    );
  }
  return lines;
}

/** Connects to `url` (the schema owner) with this checkout's entities, runs the EXPLAINs. */
export async function explainForBench(
  url: string,
  dataEncryptionKey: string,
  users: { role: string; username: string }[],
): Promise<string[]> {
  const dataSource = new DataSource(
    dataSourceOptions({
      url,
      poolSize: 2,
      ssl: false,
      statementTimeoutMs: 60_000,
      connectTimeoutMs: 5_000,
    }),
  );
  await dataSource.initialize();
  try {
    const cipher = new FieldCipher(Buffer.from(dataEncryptionKey, 'base64'));
    return await explainListQueries(dataSource, cipher, users);
  } finally {
    await dataSource.destroy();
  }
}
