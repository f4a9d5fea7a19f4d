/**
 * `npm run bench`: the benchmark suite (issue 12). Starts the embedded PostgreSQL and S3 server,
 * seeds 100,000 demo applications once (kept in ./.data/bench-<hash of the server dir>, or
 * BENCH_DATA_DIR), runs the compiled server (`node <server dir>/dist/src/main.js`,
 * NODE_ENV=production, rate limits raised) as a child process, drives every row with
 * autocannon at each connection level for a number of interleaved rounds, then runs the other
 * bench:* scripts, and writes docs/BENCHMARKS.md and docs/bench-results/<label>.json.
 *
 *   npm run bench
 *   npm run bench -- --duration 2 --rounds 1 --connections 16 --skip-scripts      # a quick look
 *   npm run bench -- --only apps-manager,health,root
 *   npm run bench -- --label before --server-dir ../baseline
 *   npm run bench -- --label after --compare docs/bench-results/before.json
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_PASSWORD } from '../src/seed/demo-seed';
import type { DemoUser } from '../src/seed/demo-organisation';
import { existingDemoUsers, loginAsDemoUser } from './lib/demo-users';
import { type Measurement, runLoginLoops, runRow } from './lib/load';
import { explainForBench } from './lib/query-plans';
import { type BenchResults, markdown } from './lib/report';
import { API, ROWS, type RowContext, draftBody, selectRows } from './lib/rows';
import {
  benchDataDir,
  benchSecrets,
  countApplications,
  ensureServerBuild,
  gitCommit,
  RAISED_LIMITS,
  seedWithCli,
  type ServerProcess,
  type Services,
  startServer,
  startServices,
  withDatabase,
} from './lib/services';

const ROOT = resolve(__dirname, '..');
const SCRIPTS = ['bench:login', 'bench:applications', 'bench:dashboard', 'bench:upload'];
/** The scripts that run on this checkout's bench database (seeded, or seeded by them). */
const ON_BENCH_DATA = ['bench:applications', 'bench:dashboard'];
const USAGE = `Usage: npm run bench -- [--server-dir DIR] [--only ROW[,ROW]] [--rounds N] [--duration S]
       [--connections 16,64] [--login-loops 20] [--applications 100000] [--skip-scripts]
       [--label NAME] [--compare docs/bench-results/NAME.json]`;

interface Options {
  serverDir: string;
  rows: string[];
  only: boolean;
  rounds: number;
  duration: number;
  connections: number[];
  loginLoops: number;
  applications: number;
  skipScripts: boolean;
  label: string;
  compare?: string;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'server-dir': { type: 'string', default: ROOT },
      only: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '16,64' },
      'login-loops': { type: 'string', default: '20' },
      applications: { type: 'string', default: '100000' },
      'skip-scripts': { type: 'boolean', default: false },
      label: { type: 'string', default: 'latest' },
      compare: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a whole number ≥ 1\n${USAGE}`);
    return value;
  };
  const only = values.only
    ?.split(',')
    .map((token) => token.trim())
    .filter(Boolean);
  if (!/^[\w.-]+$/.test(values.label)) throw new Error('--label: letters, digits, dots, dashes');
  return {
    serverDir: resolve(values['server-dir']),
    rows: selectRows(only),
    only: !!only?.length,
    rounds: positive('rounds', values.rounds),
    duration: positive('duration', values.duration),
    connections: values.connections.split(',').map((level) => positive('connections', level)),
    loginLoops: positive('login-loops', values['login-loops']),
    applications: positive('applications', values.applications),
    skipScripts: values['skip-scripts'],
    label: values.label,
    compare: values.compare,
  };
}

function pick(users: DemoUser[], role: DemoUser['role']): DemoUser {
  const user = users.find(
    (candidate) => candidate.role === role && (role === 'admin' || candidate.branch),
  );
  if (!user) throw new Error(`no demo ${role}`);
  return user;
}

/** Creates complete drafts through the API (unmeasured) until the pool holds `wanted`. */
async function topUpDrafts(context: RowContext, wanted: number): Promise<void> {
  if (context.drafts.length >= wanted) return;
  const started = Date.now();
  const missing = wanted - context.drafts.length;
  let left = missing;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (left-- > 0) {
        const res = await fetch(`${context.base}${API}/applications`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${context.tokens.officer}`,
            'Content-Type': 'application/json',
          },
          body: draftBody(),
        });
        const body = (await res.json()) as { id?: string };
        if (res.status !== 201 || !body.id) throw new Error(`draft create answered ${res.status}`);
        context.drafts.push(body.id);
      }
    }),
  );
  console.log(
    `  (created ${missing} drafts for app-submit in ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
}

async function prepareContext(server: ServerProcess, services: Services) {
  const users = await withDatabase(services.postgres.url, (client) =>
    existingDemoUsers(async (sql, parameters) => (await client.query(sql, parameters)).rows),
  );
  const chosen = {
    admin: pick(users, 'admin'),
    manager: pick(users, 'manager'),
    officer: pick(users, 'officer'),
    viewer: pick(users, 'viewer'),
  };
  const managers = users.filter((user) => user.role === 'manager');
  const [admin, manager, officer, viewer, ...managerTokens] = await Promise.all(
    [chosen.admin, chosen.manager, chosen.officer, chosen.viewer, ...managers].map((user) =>
      loginAsDemoUser(server.base, user.username),
    ),
  );
  const ids = await withDatabase(services.postgres.url, async (client) =>
    (
      await client.query<{ id: string }>(
        'SELECT id FROM customer_applications ORDER BY md5(id::text) LIMIT 1000',
      )
    ).rows.map((row) => row.id),
  );
  const context: RowContext = {
    base: server.base,
    tokens: { admin, manager, officer, viewer },
    managerTokens,
    ids,
    drafts: [],
  };
  console.log(
    `Signed in as ${Object.entries(chosen)
      .map(([role, user]) => `${role} ${user.username} (${user.branch ?? 'head office'})`)
      .join(', ')}; ${managers.length} managers for the export.`,
  );
  return { context, chosen, users };
}

function describeRun(m: Measurement): string {
  const failures = [
    m.non2xx ? `${m.non2xx} non-2xx` : '',
    m.errors ? `${m.errors} errors` : '',
    m.timeouts ? `${m.timeouts} timeouts` : '',
  ].filter(Boolean);
  return (
    `  ${m.row.padEnd(14)} c=${String(m.used).padStart(3)} ${m.rps.toFixed(0).padStart(6)} req/s  ` +
    `p50 ${m.p50.toFixed(0).padStart(5)} ms  p99 ${m.p99.toFixed(0).padStart(5)} ms  ` +
    `CPU ${m.cpuPerRequestMs.toFixed(2)} ms/req  load ${m.load1.toFixed(2)}` +
    (m.login ? `  /health p99 ${m.login.healthP99.toFixed(1)} ms` : '') +
    (failures.length ? `  ${failures.join(', ')} (statuses ${JSON.stringify(m.statuses)})` : '') +
    (m.note ? `  (${m.note})` : '')
  );
}

async function measure(
  options: Options,
  server: ServerProcess,
  context: RowContext,
  logins: string[],
) {
  const runs: Measurement[] = [];
  const rows = ROWS.filter((row) => options.rows.includes(row.name));
  // Submits per second expected at each level (doubled whenever the pool ran out).
  const submitRate = new Map<number, number>();
  // Warm-up, unmeasured: every row once for a second at the first level. Not the submits (they
  // use up drafts), nor the exports (the server finishes those cut off by the end of the run,
  // and the managers would still be busy: 429).
  console.log('\nWarm-up (1 s per row, unmeasured)');
  for (const row of rows.filter(
    (candidate) => !['app-submit', 'export'].includes(candidate.name),
  )) {
    await runRow(row, context, {
      level: options.connections[0],
      round: 0,
      duration: 1,
      serverPid: server.pid,
    });
  }
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const level of options.connections) {
      console.log(`\nRound ${round}/${options.rounds}, ${level} connections`);
      for (const row of rows) {
        let m0 = 0;
        if (row.name === 'app-submit') {
          const rate = submitRate.get(level) ?? 100;
          await topUpDrafts(context, Math.min(20_000, Math.ceil(rate * options.duration * 1.3)));
          m0 = context.drafts.length;
        }
        const m = await runRow(row, context, {
          level,
          round,
          duration: options.duration,
          serverPid: server.pid,
        });
        if (row.name === 'app-submit') {
          const succeeded = Object.entries(m.statuses)
            .filter(([code]) => code.startsWith('2'))
            .reduce((sum, [, count]) => sum + count, 0);
          const rate = m.note ? 2 * (submitRate.get(level) ?? 100) : succeeded / m.seconds;
          submitRate.set(level, Math.max(rate, 10));
          if (m.note) m.note += ` (pool of ${m0} drafts)`;
        }
        runs.push(m);
        console.log(describeRun(m));
      }
    }
    if (options.rows.includes('login')) {
      const m = await runLoginLoops(context, logins, DEMO_PASSWORD, {
        loops: options.loginLoops,
        round,
        duration: options.duration,
        serverPid: server.pid,
      });
      runs.push(m);
      console.log(describeRun(m));
    }
  }
  return runs;
}

/** Runs `npm run <name>`, echoing and capturing its output. */
function runScript(name: string, env: NodeJS.ProcessEnv) {
  console.log(`\n> npm run ${name}`);
  const started = Date.now();
  return new Promise<{ name: string; seconds: number; status: number | null; output: string }>(
    (done) => {
      const child = spawn('npm', ['run', '--silent', name], { cwd: ROOT, env });
      let output = '';
      const collect = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        process.stdout.write(chunk);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.once('close', (status) =>
        done({ name, seconds: (Date.now() - started) / 1000, status, output }),
      );
    },
  );
}

async function runScripts() {
  const env = { ...process.env };
  for (const name of ['DATA_DIR', 'DATABASE_URL', 'DATABASE_MIGRATION_URL', 'MINIO_ENDPOINT'])
    delete env[name];
  // bench:applications and bench:dashboard reuse this checkout's bench database.
  const dataDir = benchDataDir(ROOT);
  mkdirSync(dataDir, { recursive: true });
  const results = [];
  for (const name of SCRIPTS) {
    const scriptEnv = ON_BENCH_DATA.includes(name)
      ? { ...env, DATA_DIR: dataDir, ...benchSecrets(dataDir) }
      : env;
    results.push(await runScript(name, scriptEnv));
  }
  return results;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const previous = options.compare
    ? (JSON.parse(readFileSync(resolve(options.compare), 'utf8')) as BenchResults)
    : undefined;
  ensureServerBuild(options.serverDir);
  const dataDir = benchDataDir(options.serverDir);
  console.log(`Server ${options.serverDir} (${gitCommit(options.serverDir)}); data in ${dataDir}`);
  const services = await startServices(dataDir);
  let server: ServerProcess | undefined;
  let results: BenchResults;
  try {
    const existing = await countApplications(services.postgres.url);
    let seededNowMs: number | undefined;
    if (existing < options.applications) {
      console.log(`Seeding ${options.applications - existing} applications (${existing} there)...`);
      seededNowMs = await seedWithCli(options.serverDir, services, options.applications - existing);
      console.log(`Seeded in ${(seededNowMs / 1000).toFixed(0)} s.`);
    } else {
      console.log(`Reusing the ${existing} applications of ${dataDir}.`);
    }
    server = await startServer(options.serverDir, services, {
      ACCESS_TOKEN_EXPIRE_MINUTES: '1440',
    });
    console.log(
      `Server pid ${server.pid} on ${server.base} (log: ${server.logFile}); limits raised: ${Object.entries(
        RAISED_LIMITS,
      )
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')}`,
    );
    const { context, chosen, users } = await prepareContext(server, services);
    const explain = await explainForBench(
      services.postgres.url,
      services.env.DATA_ENCRYPTION_KEY,
      Object.values(chosen),
    ).catch((error: unknown) => [`EXPLAIN failed: ${(error as Error).message}`]);
    const runs = await measure(
      options,
      server,
      context,
      users.map((user) => user.username),
    );
    const model = cpus()[0]?.model ?? 'unknown';
    results = {
      label: options.label,
      date: new Date().toISOString(),
      machine: {
        cores: cpus().length,
        model,
        memoryGiB: totalmem() / 2 ** 30,
        node: process.version,
        platform: `${platform()} ${release()}`,
      },
      serverDir: options.serverDir,
      serverCommit: gitCommit(options.serverDir),
      benchCommit: gitCommit(ROOT),
      settings: {
        rounds: options.rounds,
        duration: options.duration,
        connections: options.connections,
        loginLoops: options.loginLoops,
        rows: options.rows,
      },
      serverEnv: server.shownEnv,
      seed: { applications: await countApplications(services.postgres.url), seededNowMs },
      rowsDescribed: Object.fromEntries(ROWS.map((row) => [row.name, row.what])),
      runs,
      explain,
      scripts: [],
    };
  } finally {
    await server?.stop();
    await services.stop();
  }
  if (!options.skipScripts && !options.only) results.scripts = await runScripts();
  console.log(
    `\nLoad average now: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
  const resultsDir = join(ROOT, 'docs', 'bench-results');
  mkdirSync(resultsDir, { recursive: true });
  const jsonFile = join(resultsDir, `${options.label}.json`);
  writeFileSync(jsonFile, JSON.stringify(results, null, 2) + '\n');
  // A partial run (--only) does not replace the whole report.
  const mdFile = options.only
    ? join(resultsDir, `${options.label}.md`)
    : join(ROOT, 'docs', 'BENCHMARKS.md');
  const changesFile = join(ROOT, 'docs', 'bench-changes.md');
  const changes = existsSync(changesFile) ? readFileSync(changesFile, 'utf8') : undefined;
  writeFileSync(mdFile, markdown(results, previous, changes));
  console.log(`Wrote ${mdFile} and ${jsonFile}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
