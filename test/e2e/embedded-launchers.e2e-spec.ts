import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3';
import { withClient } from '../harness/pg';
import { s3ClientFor } from '../harness/s3';
import { waitFor } from '../harness/wait';

jest.setTimeout(30_000);

/** A 0700 temp directory: as root, the postgres user cannot enter it (the case to cover). */
const root = mkdtempSync(join(tmpdir(), 'launchers-'));
chmodSync(root, 0o700);
const started: { stop(): Promise<void> }[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const service of started) await service.stop();
  rmSync(root, { recursive: true, force: true });
});

async function startPostgres(directory: string, log?: string[]): Promise<EmbeddedPostgres> {
  const postgres = await startEmbeddedPostgres({
    directory,
    ephemeral: true,
    log: log ? (line) => log.push(line) : undefined,
  });
  started.push(postgres);
  return postgres;
}

function postmasterPid(directory: string): number {
  return Number(readFileSync(join(directory, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** Running, not merely a zombie waiting for whoever adopted it (pid 1 here) to reap it. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('embedded PostgreSQL', () => {
  const directory = join(root, 'proj', '.data', 'postgres');

  it('runs under a directory the postgres user cannot enter (when run as root)', () => {
    if (process.getuid?.() !== 0) return;
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    // Proves the next tests cover the trap: `cd` into the 0700 directory fails for that user.
    expect(spawnSync('sh', ['-c', `cd '${root}'`], { uid, stdio: 'ignore' }).status).not.toBe(0);
  });

  it('keeps data across restarts, with a password and a fresh port', async () => {
    const log: string[] = [];
    const first = await startPostgres(directory, log);
    expect(first.url).toBe(
      `postgresql://postgres:${new URL(first.url).password}@127.0.0.1:${first.port}/postgres`,
    );
    await withClient(first.url, async (client) => {
      await client.query('CREATE TABLE launcher_check (id int PRIMARY KEY, note text)');
      await client.query('INSERT INTO launcher_check VALUES (1, $1)', ['kept']);
      const settings = await client.query<{ fsync: string; max: string }>(
        "SELECT current_setting('fsync') AS fsync, current_setting('max_connections') AS max",
      );
      expect(settings.rows[0]).toEqual({ fsync: 'off', max: '200' });
      // A reload must not complain that the file and the command line disagree.
      await client.query('SELECT pg_reload_conf()');
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    expect(log.join('\n')).toMatch(/reloading configuration files/);
    expect(log.join('\n')).not.toMatch(/contains errors/);

    const wrong = new URL(first.url);
    wrong.password = 'wrong';
    await expect(withClient(wrong.toString(), () => Promise.resolve())).rejects.toThrow(
      /password authentication failed/,
    );
    await first.stop();
    await first.stop(); // idempotent

    const second = await startPostgres(directory);
    expect(new URL(second.url).password).toBe(new URL(first.url).password);
    const rows = await withClient(second.url, async (client) => {
      return (await client.query<{ note: string }>('SELECT note FROM launcher_check')).rows;
    });
    expect(rows).toEqual([{ note: 'kept' }]);
    await second.stop();
  });

  it('refuses a data directory whose server another live Node process owns', async () => {
    const running = await startPostgres(directory);
    await expect(startEmbeddedPostgres({ directory, ephemeral: true })).rejects.toThrow(
      /is in use by a server .* started \(this process\)/,
    );
    await running.stop();
  });

  it('starts again after the postmaster was killed with SIGKILL (stale postmaster.pid)', async () => {
    const crashed = await startPostgres(directory);
    const pid = postmasterPid(directory);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid), 10_000);

    const next = await startPostgres(directory);
    const rows = await withClient(next.url, async (client) => {
      return (await client.query<{ id: number }>('SELECT id FROM launcher_check')).rows;
    });
    expect(rows).toEqual([{ id: 1 }]);
    await next.stop();
    await crashed.stop(); // already gone: resolves at once
  });

  it('stops the server left running by a Node process that was SIGKILLed', async () => {
    const script = [
      `const { startEmbeddedPostgres } = require(${JSON.stringify(
        join(__dirname, '../../src/database/embedded-postgres'),
      )});`,
      `startEmbeddedPostgres({ directory: ${JSON.stringify(directory)}, ephemeral: true })`,
      "  .then(() => console.log('ready'), (error) => { console.error(error); process.exit(1); });",
      'setInterval(() => undefined, 1000);',
    ].join('\n');
    const orphanMaker = spawn(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script],
      {
        env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '../../tsconfig.json') },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(orphanMaker);
    await new Promise<void>((resolve, reject) => {
      orphanMaker.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      orphanMaker.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    const orphan = postmasterPid(directory);
    orphanMaker.kill('SIGKILL');
    await waitFor(() => orphanMaker.exitCode !== null || orphanMaker.signalCode !== null, 10_000);
    expect(isAlive(orphan)).toBe(true); // nothing stops PostgreSQL when Node is SIGKILLed

    const next = await startPostgres(directory);
    expect(isAlive(orphan)).toBe(false);
    await withClient(next.url, (client) => client.query('SELECT 1'));
    await next.stop();
  });

  it('rejects with the reason when PostgreSQL cannot start', async () => {
    const config = join(directory, 'postgresql.conf');
    const original = readFileSync(config);
    appendFileSync(config, '\nno_such_setting = 1\n');
    try {
      await expect(startEmbeddedPostgres({ directory, ephemeral: true })).rejects.toThrow(
        /unrecognized configuration parameter "no_such_setting"/,
      );
    } finally {
      writeFileSync(config, original);
    }
  });
});

describe('embedded S3 server', () => {
  const directory = join(root, 'proj', '.data', 's3');

  const clientFor = (s3: EmbeddedS3) => s3ClientFor({ ...s3, s3rver: true });

  async function readObject(client: S3Client): Promise<string | undefined> {
    const object = await client.send(new GetObjectCommand({ Bucket: 'launcher', Key: 'a.txt' }));
    return object.Body?.transformToString();
  }

  it('stores objects that survive a restart', async () => {
    const first = await startEmbeddedS3({ directory });
    started.push(first);
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = clientFor(first);
    await client.send(new CreateBucketCommand({ Bucket: 'launcher' }));
    await client.send(
      new PutObjectCommand({ Bucket: 'launcher', Key: 'a.txt', Body: 'hello', ContentLength: 5 }),
    );
    expect(await readObject(client)).toBe('hello');
    client.destroy();
    await first.stop();

    const second = await startEmbeddedS3({ directory });
    started.push(second);
    const again = clientFor(second);
    expect(await readObject(again)).toBe('hello');
    again.destroy();
    await second.stop();
  });
});
