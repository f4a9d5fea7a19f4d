/**
 * Benchmark: the dashboard routes (issue 13) on a realistic loan book with its audit trail.
 * Starts the real server in this process (embedded PostgreSQL and S3 unless DATABASE_URL /
 * MINIO_ENDPOINT are set, data in a temporary DATA_DIR), seeds APPLICATIONS demo applications
 * with their audit events when fewer are there (src/seed/demo-seed.ts), signs in as a demo admin
 * and the first branch's manager, and for each route and role measures the latency one request
 * at a time (median, p99) and under CONCURRENCY requests in flight (median, p99, req/s, and the
 * req/s as a share of the trivial route's, GET /auth/me, at the same level). A route that
 * answers 404 is reported as not built (the dashboard routes are built in parallel). Then the
 * EXPLAIN (ANALYZE, BUFFERS) of the queries each route runs: one request per route and role is
 * recorded through the DataSource's logger (the queries the trivial route also runs, the
 * caller's session, left out) and each SELECT is explained with its parameters, warm.
 *
 *   npm run bench:dashboard                           # 100000 applications; 60 + 200 requests per row
 *   SERIAL=30 REQUESTS=100 CONCURRENCY=10 npm run bench:dashboard
 *   DATA_DIR=./.data npm run bench:dashboard          # reuse a database (stop `npm start` first)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DataSource, Logger, QueryRunner } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';
import { loginAsDemoUser } from './lib/demo-users';
import { ensureDemoData, percentile, pickUsers, startServer } from './lib/in-process';
import { explainSql, indexUse, planLines } from './lib/query-plans';

const wanted = Number(process.env.APPLICATIONS ?? 100_000);
const serialRequests = Number(process.env.SERIAL ?? 60);
const requests = Number(process.env.REQUESTS ?? 200);
const concurrency = Number(process.env.CONCURRENCY ?? 10);
const API = '/api/v1';

/** YYYY-MM-DD, `days` before today (UTC). */
function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

interface Route {
  path: string;
  /** The issue's targets at one request at a time: median and p99, ms (null: none). */
  target: [median: number, p99: number | null];
}

const TRIVIAL = `/auth/me`;
const ROUTES: Route[] = [
  { path: '/dashboard/stats', target: [100, 250] },
  { path: '/dashboard/recent-applications', target: [100, 250] },
  { path: '/dashboard/activity-timeline', target: [100, 250] },
  { path: '/dashboard/performance-metrics', target: [100, 250] },
  { path: '/dashboard/pipeline', target: [100, 250] },
  {
    path: `/dashboard/pipeline?date_from=${daysAgo(30)}&date_to=${daysAgo(0)}`,
    target: [100, 250],
  },
  {
    path: `/dashboard/pipeline?date_from=${daysAgo(365)}&date_to=${daysAgo(0)}`,
    target: [100, 250],
  },
  { path: '/dashboard/turnaround', target: [250, null] },
];

// ---------------------------------------------------------------------------------------------
// Requests

interface Answered {
  status: number;
  body: string;
}

async function get(base: string, path: string, token: string): Promise<Answered> {
  const res = await fetch(`${base}${API}${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.text() };
}

interface Measured {
  latencies: number[];
  wallMs: number;
  failures: Record<string, number>;
}

/** `count` GETs of `path`, `inFlight` at a time, after one unmeasured request per worker. */
async function measure(
  base: string,
  path: string,
  token: string,
  count: number,
  inFlight: number,
): Promise<Measured> {
  await Promise.all(Array.from({ length: inFlight }, () => get(base, path, token)));
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      const started = performance.now();
      const { status } = await get(base, path, token);
      latencies.push(performance.now() - started);
      if (status !== 200) failures[status] = (failures[status] ?? 0) + 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { latencies, wallMs: performance.now() - started, failures };
}

interface Row {
  route: string;
  role: string;
  /** Why the row was not measured ("404: not built", another status and its detail). */
  skipped?: string;
  serial?: Measured;
  loaded?: Measured;
  target?: Route['target'];
}

const rps = (m: Measured) => m.latencies.length / (m.wallMs / 1000);
const ms = (value: number) => value.toFixed(1).padStart(8);

function describe(row: Row, trivial: Row | undefined): string {
  const head = `${row.route.padEnd(66)} ${row.role.padEnd(8)}`;
  if (row.skipped || !row.serial || !row.loaded) return `${head} ${row.skipped}`;
  const { serial, loaded } = row;
  const p50 = percentile(serial.latencies, 50);
  const p99 = percentile(serial.latencies, 99);
  const share = trivial?.loaded ? `${((rps(loaded) / rps(trivial.loaded)) * 100).toFixed(0)}%` : '';
  let verdict = '';
  if (row.target) {
    const [median, tail] = row.target;
    const met = p50 < median && (tail === null || p99 < tail);
    verdict = `${met ? 'met' : 'MISSED'} (< ${median}${tail === null ? '' : ` / ${tail}`})`;
  }
  const failed = { ...serial.failures };
  for (const [code, n] of Object.entries(loaded.failures)) failed[code] = (failed[code] ?? 0) + n;
  const failures = Object.keys(failed).length ? `  non-200: ${JSON.stringify(failed)}` : '';
  return (
    `${head} ${ms(p50)} ${ms(p99)} ${ms(percentile(loaded.latencies, 50))} ` +
    `${ms(percentile(loaded.latencies, 99))} ${rps(loaded).toFixed(0).padStart(7)} ${share.padStart(9)}  ` +
    `${verdict}${failures}`
  );
}

/** One request first: a 404 is a route not built yet, another failure is reported as it is. */
async function measureRoute(
  base: string,
  role: string,
  token: string,
  route: Route | { path: string; target?: undefined },
): Promise<Row> {
  const row: Row = { route: `GET ${route.path}`, role, target: route.target };
  const probe = await get(base, route.path, token);
  if (probe.status === 404) return { ...row, skipped: '404: not built' };
  if (probe.status !== 200) {
    let detail = probe.body.slice(0, 200);
    try {
      detail = (JSON.parse(probe.body) as { detail?: string }).detail ?? detail;
    } catch {
      // Not JSON: the text as it came.
    }
    return { ...row, skipped: `${probe.status}: ${detail}` };
  }
  row.serial = await measure(base, route.path, token, serialRequests, 1);
  row.loaded = await measure(base, route.path, token, requests, concurrency);
  return row;
}

// ---------------------------------------------------------------------------------------------
// The queries of a request, recorded through the DataSource's logger

interface RecordedQuery {
  sql: string;
  params: unknown[];
}

/** Wraps the DataSource's logger so that the queries of a stretch of time can be recorded. */
function queryRecorder(dataSource: DataSource) {
  const original = dataSource.logger;
  let recording: RecordedQuery[] | null = null;
  const logger: Logger = new Proxy(original, {
    get(target, property, receiver) {
      if (property !== 'logQuery') return Reflect.get(target, property, receiver) as unknown;
      return (query: string, parameters?: unknown[], runner?: QueryRunner) => {
        recording?.push({ sql: query, params: parameters ?? [] });
        return target.logQuery(query, parameters, runner);
      };
    },
  });
  (dataSource as { logger: Logger }).logger = logger;
  return {
    async during(work: () => Promise<unknown>): Promise<RecordedQuery[]> {
      recording = [];
      await work();
      // Queries a request starts after its answer (none expected) still land here.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const recorded = recording;
      recording = null;
      return recorded;
    },
  };
}

/** Read-only statements a plan says something about (no transaction control, no writes). */
const isPlainSelect = (sql: string) =>
  /^\s*(SELECT|WITH)\b/i.test(sql) &&
  !/\b(INSERT|UPDATE|DELETE)\b\s/i.test(sql) &&
  !/\bFOR\s+(UPDATE|SHARE|NO KEY UPDATE)\b/i.test(sql);

async function explainRoute(
  dataSource: DataSource,
  recorder: ReturnType<typeof queryRecorder>,
  base: string,
  role: string,
  token: string,
  path: string,
): Promise<string[]> {
  const trivial = new Set(
    (await recorder.during(() => get(base, TRIVIAL, token))).map((query) => query.sql),
  );
  const recorded = await recorder.during(() => get(base, path, token));
  const queries = recorded.filter((query) => !trivial.has(query.sql) && isPlainSelect(query.sql));
  const lines = [`GET ${path} as ${role}: ${queries.length} query(ies) beyond the session's`];
  for (const [i, query] of queries.entries()) {
    try {
      const explained = await explainSql(dataSource, query.sql, query.params);
      const use = indexUse(explained);
      lines.push(
        ...planLines(`  query ${i + 1}`, explained, 7).map((line) => `  ${line}`),
        `    indexes: ${use.indexes.join(', ') || 'none'}; sequential scans: ${use.seqScans.join(', ') || 'none'}`,
      );
    } catch (error) {
      lines.push(`  query ${i + 1}: EXPLAIN failed: ${(error as Error).message}`);
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------

/** The applications that have their audit trail (a creation event): the seed writes both. */
async function applicationsWithTrail(dataSource: DataSource): Promise<number> {
  const [{ n }] = (await dataSource.query(
    `SELECT count(*)::int AS n FROM audit_events WHERE action = 'application.created'`,
  )) as { n: number }[];
  return n;
}

async function main(): Promise<void> {
  const temporary = process.env.DATA_DIR ? null : mkdtempSync(join(tmpdir(), 'lc-bench-'));
  // Errors only: the probes of routes not built yet answer 404, which the server logs as warnings.
  const { app, runtime, base } = await startServer(process.env.DATA_DIR ?? temporary!, 'error');
  try {
    const chosen = pickUsers(
      await ensureDemoData(
        app,
        wanted,
        applicationsWithTrail,
        'applications with their audit trail',
      ),
    );
    const dataSource = app.get(DataSourceToken);
    const [sizes] = (await dataSource.query(
      `SELECT (SELECT count(*) FROM customer_applications)::int AS applications,
              (SELECT count(*) FROM audit_events)::int AS events,
              (SELECT count(*) FROM application_stats_summary WHERE applications > 0)::int AS groups`,
    )) as { applications: number; events: number; groups: number }[];
    console.log(
      `Data: ${sizes.applications} applications, ${sizes.events} audit events, ` +
        `${sizes.groups} groups in application_stats_summary.`,
    );
    const roles = ['admin', 'manager'] as const;
    const tokens = Object.fromEntries(
      await Promise.all(
        roles.map(async (role) => [role, await loginAsDemoUser(base, chosen[role].username)]),
      ),
    ) as Record<(typeof roles)[number], string>;
    console.log(
      `Signed in as ${roles.map((role) => `${role} ${chosen[role].username} (${chosen[role].branch ?? 'head office'})`).join(', ')}`,
    );
    const recorder = queryRecorder(dataSource);

    console.log(
      `\nLatency one request at a time (${serialRequests} requests, c=1) and with ${concurrency} in flight ` +
        `(${requests} requests, c=${concurrency}); ms. ÷ trivial: req/s at c=${concurrency} as a share of ` +
        `GET ${TRIVIAL}'s for the same role. Target: the issue's median / p99 at c=1.`,
    );
    console.log(
      `${'route'.padEnd(66)} ${'role'.padEnd(8)} ${'c=1 p50'.padStart(8)} ${'c=1 p99'.padStart(8)} ` +
        `${`c=${concurrency} p50`.padStart(8)} ${`c=${concurrency} p99`.padStart(8)} ${'req/s'.padStart(7)} ` +
        `${'÷ trivial'.padStart(9)}  target`,
    );
    const built: { role: (typeof roles)[number]; path: string }[] = [];
    for (const role of roles) {
      const trivial = await measureRoute(base, role, tokens[role], { path: TRIVIAL });
      console.log(describe(trivial, undefined));
      for (const route of ROUTES) {
        const row = await measureRoute(base, role, tokens[role], route);
        console.log(describe(row, trivial));
        if (!row.skipped) built.push({ role, path: route.path });
      }
    }

    console.log(
      `\nEXPLAIN (ANALYZE, BUFFERS) of the queries of one request per route and role, warm cache`,
    );
    for (const { role, path } of built) {
      console.log(
        (await explainRoute(dataSource, recorder, base, role, tokens[role], path)).join('\n'),
      );
    }
  } finally {
    await app.close();
    await runtime.stop();
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
