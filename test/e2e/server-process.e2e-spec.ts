/**
 * The server as an operator runs it: real processes of the compiled `node dist/src/main.js`
 * (build first: `npm test` does, through `pretest`). Covers the refusal of a bad configuration,
 * the embedded default (PostgreSQL and S3 of its own under DATA_DIR) across a clean stop, a
 * restart and a crash, and several instances migrating one fresh database at once.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrationsLocked } from '../../src/database/migrate';
import { withClient } from '../harness/pg';
import {
  killAll,
  type ServerProcess,
  startServer as startProcess,
  stopWith,
  untilHealthy,
} from '../harness/server-process';
import { databaseUrl, loadState } from '../harness/state';

jest.setTimeout(30_000);

/** Holds every DATA_DIR of this file; also the servers' working directory (no `.env` here). */
const root = mkdtempSync(join(tmpdir(), 'server-process-'));
const servers: ServerProcess[] = [];
/** Real paths of the embedded PostgreSQL data directories, for the clean-up. */
const postgresDirectories = new Set<string>();

afterAll(async () => {
  await killAll(servers);
  // A server killed mid-test leaves its PostgreSQL running: stop it by its pid.
  for (const directory of postgresDirectories) {
    for (const pid of postgresPidsIn(directory)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
  rmSync(root, { recursive: true, force: true });
});

/** Starts a server in `root`, the directory of this file's data (no `.env` there). */
async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startProcess(root, env);
  servers.push(server);
  return server;
}

/** Pids of live `postgres` processes working in the data directory (as the launcher finds them). */
function postgresPidsIn(realDirectory: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (
        readlinkSync(`/proc/${name}/cwd`) === realDirectory &&
        basename(readlinkSync(`/proc/${name}/exe`)) === 'postgres'
      ) {
        pids.push(Number(name));
      }
    } catch {
      // Gone meanwhile, or a zombie.
    }
  }
  return pids;
}

/** The message fields of the JSON log lines on stdout. */
function logMessages(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return String((JSON.parse(line) as { msg?: unknown }).msg ?? '');
      } catch {
        return '';
      }
    });
}

/** The "  - PROBLEM" lines the server prints for a refused configuration. */
function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^\s+- /.test(line));
}

describe('a configuration that cannot work', () => {
  it('is refused with one line per problem, exit code 1 and no stack trace', async () => {
    const dataDir = join(root, 'refused');
    const server = await startServer({
      DATA_DIR: dataDir,
      PORT: 'abc',
      DATABASE_POOL_SIZE: '0',
    });
    expect(await server.exited).toBe(1);
    const problems = problemLines(server.stderr());
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^\s+- PORT .*"abc"/);
    expect(problems[1]).toMatch(/^\s+- DATABASE_POOL_SIZE .*"0"/);
    expect(server.stderr()).not.toMatch(/^\s+at /m);
    expect(server.stderr()).not.toMatch(/Error:/);
    // Refused before anything was started or written.
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  });

  it('in production, names every missing requirement', async () => {
    const dataDir = join(root, 'production');
    const server = await startServer({ DATA_DIR: dataDir, NODE_ENV: 'production' });
    expect(await server.exited).toBe(1);
    const problems = problemLines(server.stderr());
    expect(problems.map((line) => line.trim().split(' ')[1])).toEqual([
      'SECRET_KEY',
      'DATA_ENCRYPTION_KEY',
      'DATABASE_URL',
      'MINIO_ENDPOINT',
    ]);
    expect(server.stderr()).not.toMatch(/^\s+at /m);
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
  });
});

describe('the embedded default (no DATABASE_URL, no MINIO_ENDPOINT)', () => {
  // Not created beforehand: the server makes it.
  const dataDir = join(root, 'project', '.data');
  const marker = randomBytes(8).toString('hex');
  let pgDirectory = '';
  let secrets = '';

  function embeddedUrl(): string {
    return readFileSync(join(dataDir, 'embedded-database-url'), 'utf8').trim();
  }

  it('first start: serves health, says where PostgreSQL and S3 run, keeps data', async () => {
    mkdirSync(join(root, 'project'));
    const server = await startServer({ DATA_DIR: dataDir });
    const ms = await untilHealthy(server);
    console.log(`first start (initdb included): healthy after ${ms} ms`);
    expect(ms).toBeLessThan(15_000);

    pgDirectory = realpathSync(join(dataDir, 'postgres'));
    postgresDirectories.add(pgDirectory);
    const messages = logMessages(server.stdout());
    const postgresLines = messages.filter((msg) => /embedded postgresql/i.test(msg));
    const s3Lines = messages.filter((msg) => /embedded s3/i.test(msg));
    expect(postgresLines).toHaveLength(1);
    expect(postgresLines[0]).toMatch(/127\.0\.0\.1:\d+/);
    expect(postgresLines[0]).toContain(join(dataDir, 'postgres'));
    expect(s3Lines).toHaveLength(1);
    expect(s3Lines[0]).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
    expect(s3Lines[0]).toContain(join(dataDir, 's3'));
    expect(server.stderr()).toBe('');

    expect(postgresPidsIn(pgDirectory).length).toBeGreaterThan(0);
    // The bucket was created in the embedded S3 server's directory.
    expect(existsSync(join(dataDir, 's3', 'lc-workflow-files'))).toBe(true);
    secrets = readFileSync(join(dataDir, 'secrets.json'), 'utf8');
    expect(JSON.parse(secrets)).toEqual({
      secretKey: expect.any(String),
      dataEncryptionKey: expect.any(String),
    });

    await withClient(embeddedUrl(), async (client) => {
      await client.query('CREATE TABLE process_marker (note text NOT NULL)');
      await client.query('INSERT INTO process_marker VALUES ($1)', [marker]);
      // The server migrated its database at start.
      const { rows } = await client.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM migrations',
      );
      expect(rows[0].count).toBeGreaterThan(0);
    });

    const stop = await stopWith(server, 'SIGTERM');
    console.log(`first start: exited ${stop.result} ${stop.ms} ms after SIGTERM`);
    expect(stop.result).toBe(0);
    expect(stop.ms).toBeLessThan(5_000);
    expect(logMessages(server.stdout())).toContain('SIGTERM received, shutting down');
    expect(postgresPidsIn(pgDirectory)).toEqual([]);
    // The URL file of the running embedded server is gone with it.
    expect(existsSync(join(dataDir, 'embedded-database-url'))).toBe(false);
    expect(server.stderr()).toBe('');
  });

  it('second start: faster, same data and the same generated secrets', async () => {
    expect(pgDirectory).not.toBe('');
    const server = await startServer({ DATA_DIR: dataDir });
    const ms = await untilHealthy(server);
    console.log(`second start (data kept): healthy after ${ms} ms`);
    expect(ms).toBeLessThan(5_000);

    const rows = await withClient(embeddedUrl(), async (client) => {
      return (await client.query<{ note: string }>('SELECT note FROM process_marker')).rows;
    });
    expect(rows).toEqual([{ note: marker }]);
    expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets);

    // A crash: Node is killed outright, its PostgreSQL is orphaned with its postmaster.pid.
    const kill = await stopWith(server, 'SIGKILL');
    expect(kill.result).toBe('SIGKILL');
    expect(postgresPidsIn(pgDirectory).length).toBeGreaterThan(0);
    expect(existsSync(join(pgDirectory, 'postmaster.pid'))).toBe(true);
  });

  it('third start after a SIGKILL: takes over the orphaned PostgreSQL and still works', async () => {
    const orphans = postgresPidsIn(pgDirectory);
    expect(orphans.length).toBeGreaterThan(0);
    const server = await startServer({ DATA_DIR: dataDir });
    const ms = await untilHealthy(server);
    console.log(`third start (after SIGKILL): healthy after ${ms} ms`);
    expect(ms).toBeLessThan(15_000);
    // The leftovers were stopped; the server runs a PostgreSQL of its own.
    const running = postgresPidsIn(pgDirectory);
    expect(running.length).toBeGreaterThan(0);
    for (const pid of orphans) expect(running).not.toContain(pid);

    const rows = await withClient(embeddedUrl(), async (client) => {
      return (await client.query<{ note: string }>('SELECT note FROM process_marker')).rows;
    });
    expect(rows).toEqual([{ note: marker }]);
    expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets);

    const stop = await stopWith(server, 'SIGINT');
    expect(stop.result).toBe(0);
    expect(postgresPidsIn(pgDirectory)).toEqual([]);
  });
});

describe('a port already in use', () => {
  it('stops the embedded services it started and says why in one line', async () => {
    const dataDir = join(root, 'port-taken');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const server = await startServer({ DATA_DIR: dataDir, PORT: String(port) });
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        server.exited,
        new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 15_000))),
      ]);
      clearTimeout(timer);
      expect(result).toBe(1);
      // It got as far as starting PostgreSQL, and stopped it before leaving.
      const pgDirectory = realpathSync(join(dataDir, 'postgres'));
      postgresDirectories.add(pgDirectory);
      expect(postgresPidsIn(pgDirectory)).toEqual([]);
      expect(existsSync(join(dataDir, 'embedded-database-url'))).toBe(false);
      expect(server.stderr().trim().split('\n')).toEqual([
        expect.stringMatching(/cannot start: .*EADDRINUSE/),
      ]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('instances starting together against one fresh database', () => {
  it('apply each migration exactly once', async () => {
    const { adminUrl, template } = loadState();
    // Named after the template so that the global teardown drops it should this test not.
    const name = `${template}_concurrent_${randomBytes(4).toString('hex')}`;
    await withClient(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
    const dataSources = [1, 2].map(
      () =>
        new DataSource(
          dataSourceOptions({
            url: databaseUrl(adminUrl, name),
            poolSize: 3,
            ssl: false,
            statementTimeoutMs: 30_000,
            connectTimeoutMs: 5_000,
          }),
        ),
    );
    try {
      await Promise.all(dataSources.map((dataSource) => dataSource.initialize()));
      const known = dataSources[0].migrations
        .map((migration) => migration.name ?? migration.constructor.name)
        .sort();
      expect(known.length).toBeGreaterThan(0);

      const applied = await Promise.all(dataSources.map((ds) => runMigrationsLocked(ds)));
      // One instance applied them all; the other waited for the lock and found nothing to do.
      expect(applied.map((list) => list.length).sort()).toEqual([0, known.length]);

      const { rows } = await withClient(databaseUrl(adminUrl, name), (client) =>
        client.query<{ name: string; count: number }>(
          'SELECT name, count(*)::int AS count FROM migrations GROUP BY name ORDER BY name',
        ),
      );
      expect(rows).toEqual(known.map((migration) => ({ name: migration, count: 1 })));
      expect(await runMigrationsLocked(dataSources[1])).toEqual([]);
    } finally {
      for (const dataSource of dataSources) {
        if (dataSource.isInitialized) await dataSource.destroy();
      }
      await withClient(adminUrl, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    }
  });
});
