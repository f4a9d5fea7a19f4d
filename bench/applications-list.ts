/**
 * Benchmark: the application read paths on a realistic loan book. Starts the real server
 * (embedded PostgreSQL and S3 unless DATABASE_URL / MINIO_ENDPOINT are set, data in a
 * temporary DATA_DIR), seeds APPLICATIONS demo applications with the project's seeding code
 * (src/seed/demo-seed.ts), signs in as a demo admin, branch manager, officer and viewer, prints
 * the EXPLAIN (ANALYZE, BUFFERS) of the list and count queries for the admin and the manager,
 * then fires REQUESTS requests per scenario, CONCURRENCY at a time, and prints the latencies.
 *
 *   npm run bench:applications                          # 100000 applications, 10 in flight, 200 each
 *   APPLICATIONS=20000 CONCURRENCY=20 REQUESTS=500 npm run bench:applications
 *   DATA_DIR=./.data npm run bench:applications         # reuse a database (stop `npm start` first);
 *                                                       # seeds only what is missing to APPLICATIONS
 */
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import type { Role } from '../src/common/auth/permissions';
import { FieldCipher } from '../src/common/crypto/field-cipher';
import type { DemoUser } from '../src/seed/demo-organisation';
import { loginAsDemoUser } from './lib/demo-users';
import { ensureDemoData, percentile, pickUsers, startServer } from './lib/in-process';
import { explainListQueries as explainList } from './lib/query-plans';

const wanted = Number(process.env.APPLICATIONS ?? 100_000);
const concurrency = Number(process.env.CONCURRENCY ?? 10);
const requests = Number(process.env.REQUESTS ?? 200);
const API = '/api/v1';

type Tokens = Record<Role, string>;

// ---------------------------------------------------------------------------------------------
// EXPLAIN of the list and count queries (bench/lib/query-plans.ts)

async function explainListQueries(app: INestApplication, users: DemoUser[]): Promise<void> {
  const lines = await explainList(app.get(DataSource), app.get(FieldCipher), users, 10);
  console.log(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// HTTP scenarios

interface Scenario {
  label: string;
  role: Role;
  /** The path after /api/v1; a function to vary it per request (i = 0, 1, ...). */
  path: string | ((i: number) => string);
}

interface Measured {
  latencies: number[];
  wallMs: number;
  /** `total` of the first answer, for pages. */
  total?: number;
}

async function getOk(base: string, path: string, token: string): Promise<string> {
  const res = await fetch(`${base}${API}${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const body = await res.text();
  if (res.status !== 200)
    throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
  return body;
}

async function measure(base: string, scenario: Scenario, tokens: Tokens): Promise<Measured> {
  const pathOf = typeof scenario.path === 'string' ? () => scenario.path as string : scenario.path;
  const token = tokens[scenario.role];
  const latencies: number[] = [];
  let next = 0;
  let total: number | undefined;
  const worker = async () => {
    for (let i = next++; i < requests; i = next++) {
      const started = performance.now();
      const body = await getOk(base, pathOf(i), token);
      latencies.push(performance.now() - started);
      if (i === 0) total = (JSON.parse(body) as { total?: number }).total;
    }
  };
  // One unmeasured request per worker first, so that no scenario pays for the first use of a
  // code path or of a fresh connection.
  await Promise.all(Array.from({ length: concurrency }, (_, i) => getOk(base, pathOf(i), token)));
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, wallMs: performance.now() - started, total };
}

function row(label: string, m: Measured): string {
  const f = (n: number) => n.toFixed(1).padStart(8);
  const perSecond = (m.latencies.length / (m.wallMs / 1000)).toFixed(0).padStart(7);
  return (
    `${label.padEnd(44)} ${String(m.latencies.length).padStart(4)} ${f(percentile(m.latencies, 50))}` +
    ` ${f(percentile(m.latencies, 95))} ${f(Math.max(...m.latencies))} ${perSecond}` +
    `  ${m.total ?? ''}`
  );
}

/** Days before today as YYYY-MM-DD. */
function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

function scenarios(sample: { ids: string[]; idNumber: string }): Scenario[] {
  const id = (i: number) => sample.ids[i % sample.ids.length];
  return [
    { label: 'admin list', role: 'admin', path: '/applications' },
    { label: 'manager list', role: 'manager', path: '/applications' },
    { label: 'officer list', role: 'officer', path: '/applications' },
    { label: 'viewer list', role: 'viewer', path: '/applications' },
    {
      label: 'admin status=approval_pending',
      role: 'admin',
      path: '/applications?status=approval_pending',
    },
    { label: 'admin search=sok', role: 'admin', path: '/applications?search=sok' },
    {
      label: 'admin search=<exact id number>',
      role: 'admin',
      path: `/applications?search=${encodeURIComponent(sample.idNumber)}`,
    },
    {
      label: 'admin date_from/date_to (a week)',
      role: 'admin',
      path: `/applications?date_from=${daysAgo(67)}&date_to=${daysAgo(61)}`,
    },
    {
      label: 'admin amount_min=10000&amount_max=12000',
      role: 'admin',
      path: '/applications?amount_min=10000&amount_max=12000',
    },
    { label: 'admin page=50', role: 'admin', path: '/applications?page=50' },
    { label: 'admin size=100', role: 'admin', path: '/applications?size=100' },
    { label: 'admin cards', role: 'admin', path: '/applications/cards' },
    { label: 'admin stats', role: 'admin', path: '/applications/stats' },
    { label: 'manager stats', role: 'manager', path: '/applications/stats' },
    { label: 'admin customers?search=dara', role: 'admin', path: '/customers?search=dara' },
    { label: 'admin applications/{id}', role: 'admin', path: (i) => `/applications/${id(i)}` },
    {
      label: 'admin applications/{id}/relationships',
      role: 'admin',
      path: (i) => `/applications/${id(i)}/relationships`,
    },
  ];
}

/** Ids to read one by one, and an id number to search for, from the admin's first 100. */
async function sampleApplications(base: string, tokens: Tokens) {
  const page = JSON.parse(await getOk(base, '/applications?size=100', tokens.admin)) as {
    items: { id: string; id_number: string }[];
  };
  if (!page.items.length) throw new Error('no applications to read');
  return { ids: page.items.map((item) => item.id), idNumber: page.items[0].id_number };
}

/** One CSV export, read to the end: time to the first byte and in all, bytes and rows. */
async function timeExport(base: string, token: string, query: string): Promise<string> {
  const started = performance.now();
  const res = await fetch(`${base}${API}/applications/export/csv?${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}`);
  let firstByteMs = 0;
  let bytes = 0;
  let lineEnds = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    if (!bytes) firstByteMs = performance.now() - started;
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lineEnds += 1;
  }
  const totalMs = performance.now() - started;
  return (
    `admin export/csv?${query}: ${totalMs.toFixed(0)} ms (first byte ${firstByteMs.toFixed(0)} ms), ` +
    `${(bytes / 1_048_576).toFixed(1)} MiB, ${lineEnds - 1} rows`
  );
}

async function runScenarios(base: string, tokens: Tokens): Promise<void> {
  const sample = await sampleApplications(base, tokens);
  console.log(
    `\n${requests} requests per scenario, ${concurrency} in flight (ms, after one unmeasured request per worker; total = matching rows)`,
  );
  console.log(
    `${'scenario'.padEnd(44)} ${'n'.padStart(4)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)} ${'req/s'.padStart(7)}  total`,
  );
  for (const scenario of scenarios(sample)) {
    console.log(row(scenario.label, await measure(base, scenario, tokens)));
  }
  console.log(await timeExport(base, tokens.admin, 'status=approved'));
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const temporary = process.env.DATA_DIR ? null : mkdtempSync(join(tmpdir(), 'lc-bench-'));
  const { app, runtime, base } = await startServer(process.env.DATA_DIR ?? temporary!);
  try {
    const chosen = pickUsers(await ensureDemoData(app, wanted));
    const roles = Object.keys(chosen) as Role[];
    const tokens = Object.fromEntries(
      await Promise.all(
        roles.map(async (role) => [role, await loginAsDemoUser(base, chosen[role].username)]),
      ),
    ) as Tokens;
    console.log(
      `Signed in as ${roles.map((role) => `${role} ${chosen[role].username} (${chosen[role].branch ?? 'head office'})`).join(', ')}`,
    );
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the default list, warm cache`);
    await explainListQueries(app, [chosen.admin, chosen.manager]);
    await runScenarios(base, tokens);
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
