/**
 * What `npm run bench` runs against: the embedded PostgreSQL and S3 server of this checkout
 * (src/database/embedded-postgres.ts, src/storage/embedded-s3.ts, as the e2e harness starts
 * them), a persistent data directory per server build, the demo seed (the server build's own
 * `scripts/cli.js seed-demo`), and the compiled server as a child process in production mode.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3';
import { type S3Proxy, startS3Proxy } from './s3-proxy';

/** The rate limits the server runs with (printed, and written to the report). */
export const RAISED_LIMITS = {
  THROTTLE_LIMIT: '1000000',
  THROTTLE_TTL_SECONDS: '60',
  LOGIN_THROTTLE_LIMIT: '1000000',
  LOGIN_THROTTLE_TTL_SECONDS: '60',
  // The login row runs 20 loops: the hash queue must hold them all (issue 12: queue max >= 20).
  PASSWORD_HASH_QUEUE_MAX: '20',
};

export const BUCKET = 'lc-bench';

/** `BENCH_DATA_DIR`, else `./.data/bench-<hash of the server directory>` of this checkout. */
export function benchDataDir(serverDir: string): string {
  if (process.env.BENCH_DATA_DIR) return resolve(process.env.BENCH_DATA_DIR);
  const hash = createHash('sha256').update(resolve(serverDir)).digest('hex').slice(0, 10);
  return resolve(__dirname, '..', '..', '.data', `bench-${hash}`);
}

interface Secrets {
  SECRET_KEY: string;
  DATA_ENCRYPTION_KEY: string;
}

/** Kept in the data directory: the seeded ciphertexts need the same key on every run. */
export function benchSecrets(dataDir: string): Secrets {
  const file = join(dataDir, 'bench-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  const secrets: Secrets = {
    SECRET_KEY: randomBytes(48).toString('base64url'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return secrets;
}

export interface Services {
  dataDir: string;
  postgres: EmbeddedPostgres;
  s3: EmbeddedS3;
  /** The environment every server-side process of the bench gets (database, S3, secrets). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startServices(dataDir: string): Promise<Services> {
  mkdirSync(dataDir, { recursive: true });
  const postgres = await startEmbeddedPostgres({ directory: join(dataDir, 'postgres') });
  let s3: EmbeddedS3;
  let proxy: S3Proxy;
  try {
    s3 = await startEmbeddedS3({ directory: join(dataDir, 's3') });
    proxy = await startS3Proxy(s3.endpoint);
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: postgres.appUrl,
    DATABASE_MIGRATION_URL: postgres.url,
    MINIO_ENDPOINT: proxy.endpoint,
    MINIO_ACCESS_KEY: s3.accessKeyId,
    MINIO_SECRET_KEY: s3.secretAccessKey,
    MINIO_REGION: s3.region,
    MINIO_BUCKET_NAME: BUCKET,
    ...benchSecrets(dataDir),
  };
  return {
    dataDir,
    postgres,
    s3,
    env,
    stop: async () => {
      await proxy.stop().catch(() => undefined);
      await s3.stop().catch(() => undefined);
      await postgres.stop().catch(() => undefined);
    },
  };
}

/** SQL as the cluster's superuser (the schema owner). */
export async function withDatabase<T>(url: string, work: (client: Client) => Promise<T>) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function countApplications(url: string): Promise<number> {
  return withDatabase(url, async (client) => {
    const exists = await client.query<{ t: string | null }>(
      `SELECT to_regclass('public.customer_applications')::text AS t`,
    );
    if (!exists.rows[0].t) return 0;
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM customer_applications',
    );
    return rows[0].n;
  });
}

/** Compiles the server build when its sources changed (its own scripts/ensure-build.js). */
export function ensureServerBuild(serverDir: string): void {
  const script = join(serverDir, 'scripts', 'ensure-build.js');
  if (existsSync(script)) {
    const result = spawnSync(process.execPath, [script], { cwd: serverDir, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${script} failed (${result.status})`);
  }
  if (!existsSync(join(serverDir, 'dist', 'src', 'main.js')))
    throw new Error(`${serverDir}/dist/src/main.js is missing: build that checkout first`);
}

/**
 * Seeds `count` demo applications with the server build's CLI; the wall time in ms. Not
 * spawnSync: the S3 server runs in this process and must keep answering.
 */
export async function seedWithCli(
  serverDir: string,
  services: Services,
  count: number,
): Promise<number> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [join(resolve(serverDir), 'scripts', 'cli.js'), 'seed-demo', '--applications', String(count)],
    {
      cwd: services.dataDir,
      stdio: 'inherit',
      env: { ...process.env, ...services.env, NODE_ENV: 'development', LOG_LEVEL: 'warn' },
    },
  );
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`seed-demo failed (${code})`);
  return Date.now() - started;
}

/** The git commit (and "+dirty") of a directory, or "unknown". */
export function gitCommit(dir: string): string {
  try {
    const commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short=12', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--', 'src'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty ? `${commit}+dirty(src)` : commit;
  } catch {
    return 'unknown';
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface ServerProcess {
  base: string;
  /** Where its output goes. */
  logFile: string;
  pid: number;
  /** The environment it was started with, secrets and credentials removed (for the report). */
  shownEnv: Record<string, string>;
  stop(): Promise<void>;
}

/** `node <serverDir>/dist/src/main.js`, NODE_ENV=production; resolves once /health answers. */
export async function startServer(
  serverDir: string,
  services: Services,
  extraEnv: Record<string, string> = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...services.env,
    NODE_ENV: 'production',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    DOCS_ENABLED: 'false',
    ...RAISED_LIMITS,
    ...extraEnv,
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // PROFILE_DIR=<dir>: the server writes a CPU profile there when it stops.
      ...(process.env.PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.PROFILE_DIR)}`]
        : []),
      join(resolve(serverDir), 'dist', 'src', 'main.js'),
    ],
    { cwd: services.dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Its log (warnings: every 4xx answer among them) goes to a file, not between the results.
  const logFile = join(services.dataDir, 'server.log');
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  const deadline = Date.now() + 180_000;
  for (;;) {
    const answered = await fetch(`${base}/health`)
      .then((res) => res.ok)
      .catch(() => false);
    if (answered) break;
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('wait'), 200))]);
    if (code !== 'wait') {
      throw new Error(
        `the server exited at start (${String(code)}):\n${readFileSync(logFile, 'utf8').slice(-3000)}`,
      );
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the server did not answer /health within 180 s');
    }
  }
  const shownEnv = Object.fromEntries(
    [
      'NODE_ENV',
      'LOG_LEVEL',
      'PORT',
      'DATABASE_POOL_SIZE',
      'BCRYPT_ROUNDS',
      'PASSWORD_HASH_THREADS',
      'PASSWORD_HASH_QUEUE_MAX',
      ...Object.keys(RAISED_LIMITS),
      ...Object.keys(extraEnv),
    ]
      .filter((name) => env[name] !== undefined)
      .map((name) => [name, env[name]]),
  );
  return {
    base,
    logFile,
    pid: child.pid!,
    shownEnv,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/** utime + stime of a process, in ms (Linux /proc/<pid>/stat, clock ticks of CLK_TCK). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5); after "pid (comm) " the list starts at field 3.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
}

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}
