/**
 * The restore drill of the README's runbook, step for step: `pg_dump --format=custom` of a
 * database holding real data (a user, an application with encrypted id numbers, an uploaded
 * file), the bucket mirrored object by object, `pg_restore` into a fresh empty database
 * (`TEMPLATE template0`, not the migrated template), and the compiled server started on the
 * restored database and bucket: the old password logs in, the old session still works, the
 * application reads back decrypted and the file's bytes download; then `npm run storage:check`
 * finds the database and the bucket in agreement.
 *
 * pg_dump and pg_restore must be of the server's major version (the npm package of the embedded
 * PostgreSQL ships only initdb, pg_ctl and postgres). With a matching pair (a `TEST_DATABASE_URL`
 * server and its client tools, as in the GitHub workflow) the drill runs on the harness's cluster.
 * Otherwise it runs a cluster of its own from an installation that has both the server and the
 * tools (Debian's /usr/lib/postgresql/<major>/bin), whose source database the source server
 * migrates at start-up (instead of a clone of the template); with neither it is skipped, saying
 * why. The restored server runs its embedded S3 server over the directory the bucket was
 * mirrored into: a child process cannot talk to the harness's s3rver (its request fix is on only
 * in the embedded mode), and the mirror is what an operator restores from anyway.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { startEmbeddedS3 } from '../../src/storage/embedded-s3';
import {
  type ApplicationJson,
  createApplication,
  makeUnit,
} from '../harness/applications-fixtures';
import { runCli } from '../harness/cli';
import { expectStatus } from '../harness/expect';
import type { Actor } from '../harness/identity';
import { withClient } from '../harness/pg';
import { s3ClientFor } from '../harness/s3';
import { samplePdf } from '../harness/sample-files';
import {
  killAll,
  type ServerProcess,
  startServer,
  stopWith,
  untilHealthy,
} from '../harness/server-process';
import { asApplicationRole, databaseUrl, loadState } from '../harness/state';
import { createTestApp, type TestApp, testEnvironment } from '../harness/test-app';

// Two server starts, a dump and a restore: generous for a loaded CI machine.
jest.setTimeout(60_000);

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** A directory holding pg_dump and pg_restore of one major version (and maybe a server). */
interface PgInstall {
  binDir: string;
  major: number;
}

/** Where to look: the embedded package, Debian/Ubuntu's versioned installs (newest first), PATH. */
function candidateBinDirs(): string[] {
  const dirs: string[] = [];
  try {
    const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    dirs.push(join(dirname(entry), '..', 'native', 'bin'));
  } catch {
    // No binary package for this platform.
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((name) => /^\d+$/.test(name));
    for (const version of versions.sort((a, b) => Number(b) - Number(a))) {
      dirs.push(join(debian, version, 'bin'));
    }
  }
  dirs.push(...(process.env.PATH ?? '').split(delimiter).filter(Boolean));
  return dirs;
}

/** The major version `binary --version` reports ("pg_dump (PostgreSQL) 16.4 ..."). */
function majorOf(binary: string): number | undefined {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: 'pipe' });
    const match = /\(PostgreSQL\) (\d+)/.exec(out);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function findInstall(accept: (install: PgInstall) => boolean, binaries: string[]) {
  for (const binDir of candidateBinDirs()) {
    if (!binaries.every((name) => existsSync(join(binDir, name)))) continue;
    const major = majorOf(join(binDir, 'pg_dump'));
    if (major !== undefined && majorOf(join(binDir, 'pg_restore')) === major) {
      const install = { binDir, major };
      if (accept(install)) return install;
    }
  }
  return undefined;
}

/** The harness's server version, asked synchronously (the plan decides whether to skip). */
function serverMajorOf(url: string): number {
  const script =
    "const { Client } = require('pg'); const c = new Client({ connectionString: process.argv[1] });" +
    "c.connect().then(() => c.query('SHOW server_version_num'))" +
    '.then((r) => { process.stdout.write(r.rows[0].server_version_num); return c.end(); })' +
    '.catch((e) => { console.error(e.message); process.exit(1); });';
  const out = execFileSync(process.execPath, ['-e', script, url], { cwd: ROOT, encoding: 'utf8' });
  return Math.floor(Number(out) / 10_000);
}

type Plan =
  | { cluster: 'harness'; tools: PgInstall }
  | { cluster: 'own'; tools: PgInstall }
  | { cluster: 'none'; reason: string };

function plan(): Plan {
  const major = serverMajorOf(loadState().adminUrl);
  const matching = findInstall((install) => install.major === major, ['pg_dump', 'pg_restore']);
  if (matching) return { cluster: 'harness', tools: matching };
  const withServer = findInstall(() => true, ['pg_dump', 'pg_restore', 'initdb', 'postgres']);
  if (withServer) return { cluster: 'own', tools: withServer };
  return {
    cluster: 'none',
    reason:
      `no pg_dump/pg_restore ${major} for the harness's PostgreSQL ${major}, and no PostgreSQL ` +
      'installation with both a server and its client tools (install postgresql-client-' +
      `${major}, or run with TEST_DATABASE_URL naming a server your pg_dump matches)`,
  };
}

const drill = plan();
if (drill.cluster === 'none') {
  console.warn(`backup-restore: the restore drill is skipped: ${drill.reason}.`);
}

/** Where the databases live: superuser (who owns the schema here) and runtime-role URLs. */
interface Cluster {
  ownerUrl(database: string): string;
  appUrl(database: string): string;
  stop(): Promise<void>;
}

function harnessCluster(): Cluster {
  const { adminUrl } = loadState();
  return {
    ownerUrl: (database) => databaseUrl(adminUrl, database),
    appUrl: (database) => asApplicationRole(databaseUrl(adminUrl, database)),
    stop: () => Promise.resolve(),
  };
}

function ownCluster(postgres: EmbeddedPostgres): Cluster {
  return {
    ownerUrl: (database) => databaseUrl(postgres.url, database),
    appUrl: (database) => databaseUrl(postgres.appUrl, database),
    stop: () => postgres.stop(),
  };
}

/** `CREATE DATABASE … TEMPLATE template0`: empty, as a restore target must be. */
async function createEmptyDatabase(cluster: Cluster, name: string): Promise<void> {
  await withClient(cluster.ownerUrl('postgres'), (admin) =>
    admin.query(`CREATE DATABASE "${name}" TEMPLATE template0`),
  );
}

/** `mc mirror` / `aws s3 sync` of one bucket into another S3 server, object by object. */
async function mirrorBucket(from: S3Client, to: S3Client, bucket: string): Promise<number> {
  await to.send(new CreateBucketCommand({ Bucket: bucket }));
  const listed = await from.send(new ListObjectsCommand({ Bucket: bucket }));
  for (const { Key } of listed.Contents ?? []) {
    const object = await from.send(new GetObjectCommand({ Bucket: bucket, Key }));
    await to.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key,
        Body: await object.Body!.transformToByteArray(),
        ContentType: object.ContentType,
      }),
    );
  }
  return listed.Contents?.length ?? 0;
}

(drill.cluster === 'none' ? describe.skip : describe)('backup and restore drill', () => {
  const tools = (drill as { tools: PgInstall }).tools;
  let work: string;
  const dataEncryptionKey = randomBytes(32).toString('base64');
  const password = 'Restore-Drill-2026';
  const servers: ServerProcess[] = [];
  // Under the template's prefix: the global teardown drops it too if this file cannot.
  const restoredName = `${loadState().template}_restored_${randomBytes(3).toString('hex')}`;
  let cluster: Cluster;
  let source: TestApp;
  let officer: Actor;
  let application: ApplicationJson;
  let file: { id: string; bytes: Buffer };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'backup-restore-'));
    if (drill.cluster === 'harness') {
      cluster = harnessCluster();
      source = await createTestApp({ env: { DATA_ENCRYPTION_KEY: dataEncryptionKey } });
    } else {
      cluster = ownCluster(
        await startEmbeddedPostgres({
          directory: join(work, 'postgres'),
          ephemeral: true,
          binDir: tools.binDir,
        }),
      );
      // An empty database the source server migrates at start-up, as in production.
      const name = `lc_source_${process.pid}`;
      await createEmptyDatabase(cluster, name);
      source = await createTestApp({
        env: {
          DATA_ENCRYPTION_KEY: dataEncryptionKey,
          DATABASE_URL: cluster.appUrl(name),
          DATABASE_MIGRATION_URL: cluster.ownerUrl(name),
        },
        database: { name, url: cluster.ownerUrl(name) },
      });
    }
    const unit = await makeUnit(source);
    officer = await source.signIn({
      role: 'officer',
      branchId: unit.branchId,
      departmentId: unit.departmentId,
      password,
    });
    application = await createApplication(source, officer, { guarantor_id_number: 'G-4455 66' });
    const bytes = samplePdf('Restore drill');
    const uploaded = await source.http
      .post('/api/v1/files/upload')
      .set('Authorization', officer.bearer)
      .query({ application_id: application.id })
      .attach('file', bytes, { filename: 'contract.pdf', contentType: 'application/pdf' });
    expectStatus(uploaded, 201);
    file = { id: uploaded.body.id, bytes };
  });

  afterAll(async () => {
    await killAll(servers);
    await source?.close();
    if (drill.cluster === 'harness') {
      await withClient(loadState().adminUrl, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS "${restoredName}" WITH (FORCE)`),
      );
    }
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('restores a pg_dump into a fresh database and the bucket beside it; the server serves both', async () => {
    const dump = join(work, 'lc-workflow.dump');
    // 1. Back up: the database as its owner, then the bucket (objects of rows in the dump exist).
    await run(join(tools.binDir, 'pg_dump'), [
      '--format=custom',
      `--file=${dump}`,
      `--dbname=${cluster.ownerUrl(source.databaseName)}`,
    ]);
    const dataDir = join(work, 'restored');
    const target = await startEmbeddedS3({ directory: join(dataDir, 's3') });
    const targetClient = s3ClientFor({ ...target, s3rver: true });
    const sourceClient = s3ClientFor(loadState().s3);
    try {
      const bucket = source.config.storage.bucket;
      expect(await mirrorBucket(sourceClient, targetClient, bucket)).toBe(1);
    } finally {
      sourceClient.destroy();
      targetClient.destroy();
      await target.stop();
    }

    // 2. Restore: an empty database, pg_restore as the owner, the dump's grants kept.
    await createEmptyDatabase(cluster, restoredName);
    await run(join(tools.binDir, 'pg_restore'), [
      '--no-owner',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${cluster.ownerUrl(restoredName)}`,
      dump,
    ]);
    await withClient(cluster.appUrl(restoredName), async (runtime) => {
      const { rows } = await runtime.query(
        `SELECT has_table_privilege('audit_events', 'INSERT') AS insert,
                has_table_privilege('audit_events', 'UPDATE') AS update`,
      );
      expect(rows[0]).toEqual({ insert: true, update: false });
    });

    // 3. The compiled server on the restored database and bucket (its own S3 server over the
    //    mirrored directory), with the same DATA_ENCRYPTION_KEY and SECRET_KEY.
    const server = await startServer(dataDir, {
      ...testEnvironment(cluster.ownerUrl(restoredName)),
      DATABASE_URL: cluster.appUrl(restoredName),
      DATABASE_MIGRATION_URL: cluster.ownerUrl(restoredName),
      DATA_DIR: dataDir,
      MINIO_ENDPOINT: undefined,
      MINIO_ACCESS_KEY: undefined,
      MINIO_SECRET_KEY: undefined,
      MINIO_BUCKET_NAME: source.config.storage.bucket,
      DATA_ENCRYPTION_KEY: dataEncryptionKey,
    });
    servers.push(server);
    await untilHealthy(server);
    const base = `http://127.0.0.1:${server.port}/api/v1`;

    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: officer.user.username, password }),
    });
    expect(login.status).toBe(200);
    const bearer = `Bearer ${((await login.json()) as { access_token: string }).access_token}`;

    const read = await fetch(`${base}/applications/${application.id}`, {
      headers: { Authorization: bearer },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({
      id: application.id,
      id_number: application.id_number,
      guarantor_id_number: 'G-4455 66',
    });
    // Sessions are rows: a token issued before the backup still works (same SECRET_KEY).
    const before = await fetch(`${base}/applications/${application.id}`, {
      headers: { Authorization: officer.bearer },
    });
    expect(before.status).toBe(200);

    const content = await fetch(`${base}/files/${file.id}/content`, {
      headers: { Authorization: bearer },
    });
    expect(content.status).toBe(200);
    expect(Buffer.from(await content.arrayBuffer()).equals(file.bytes)).toBe(true);

    expect((await stopWith(server, 'SIGTERM')).result).toBe(0);

    // 4. The database and the bucket agree: no orphan object, no row without its object.
    const check = await runCli(
      cluster.ownerUrl(restoredName),
      ['storage-check', '--older-than', '0'],
      {
        DATABASE_URL: cluster.appUrl(restoredName),
        DATABASE_MIGRATION_URL: cluster.ownerUrl(restoredName),
        DATA_DIR: dataDir,
        MINIO_ENDPOINT: '',
        MINIO_BUCKET_NAME: source.config.storage.bucket,
        DATA_ENCRYPTION_KEY: dataEncryptionKey,
      },
    );
    expect(check.stderr).toBe('');
    expect(check.stdout).toMatch(/1 object\(s\) in the bucket, 1 file row\(s\)/);
    expect(check.stdout).toMatch(/Clean\.\n$/);
    expect(check.status).toBe(0);
  });
});
