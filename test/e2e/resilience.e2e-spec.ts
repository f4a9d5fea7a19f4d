/**
 * Issue 14 item 2, resilience: the compiled server (`node dist/src/main.js`) as a process of its
 * own, over a PostgreSQL and an S3 server this file starts for itself (whatever the TEST_*
 * variables say), reached only through TCP proxies the test owns, as is Redis when
 * TEST_REDIS_URL is set: "stopped" = the proxy resets connections, "frozen" = it holds them.
 * No other suite's services are touched. One server process at a time, over one database and
 * bucket: the first serves the PostgreSQL, S3 and Redis tests and is killed (-9) by the crash
 * test, which starts the second; SIGTERM ends that one.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3';
import { type S3Proxy, startS3Proxy } from '../../bench/lib/s3-proxy';
import { applicationBody } from '../harness/applications-fixtures';
import { newBranchBody, newDepartmentBody } from '../harness/organisation-fixtures';
import { s3ClientFor } from '../harness/s3';
import { samplePdf, sampleImage } from '../harness/sample-files';
import {
  killAll,
  MAIN,
  type ServerProcess,
  startServer as startProcess,
  untilHealthy,
} from '../harness/server-process';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy';
import { tag } from '../harness/unique';
import { waitFor } from '../harness/wait';

jest.setTimeout(60_000);

const MiB = 1024 * 1024;
const STATEMENT_TIMEOUT_MS = 1_000;
const GRACE_MS = 2_000;
const PASSWORD = 'Password1!';
const BUCKET = 'resilience';
const CLI = join(MAIN, '..', 'cli.js');
const REDIS_URL = process.env.TEST_REDIS_URL?.trim();

const root = mkdtempSync(join(tmpdir(), 'resilience-'));
const servers: ServerProcess[] = [];
let postgres: EmbeddedPostgres;
let s3: EmbeddedS3;
/** In front of s3rver: serves its bucket-level requests (see bench/lib/s3-proxy.ts). */
let s3Http: S3Proxy;
let pgProxy: TcpProxy;
let s3Proxy: TcpProxy;
let redisProxy: TcpProxy | undefined;
/** SQL straight to PostgreSQL (not through the proxy), as the owner. */
let owner: Client;
let env: Record<string, string>;

beforeAll(async () => {
  [postgres, s3] = await Promise.all([
    startEmbeddedPostgres({ directory: join(root, 'postgres'), ephemeral: true }),
    startEmbeddedS3({ directory: join(root, 's3') }),
  ]);
  pgProxy = await startTcpProxy({ host: '127.0.0.1', port: postgres.port });
  s3Http = await startS3Proxy(s3.endpoint);
  s3Proxy = await startTcpProxy(hostAndPort(s3Http.endpoint));
  if (REDIS_URL) redisProxy = await startTcpProxy(hostAndPort(REDIS_URL));
  owner = new Client({ connectionString: postgres.url });
  await owner.connect();
  env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(root, 'data'),
    DATABASE_URL: pgProxy.urlFor(postgres.appUrl),
    DATABASE_MIGRATION_URL: pgProxy.urlFor(postgres.url),
    DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
    SECRET_KEY: `resilience-secret-key-${randomBytes(16).toString('hex')}`,
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    MINIO_ENDPOINT: s3Proxy.urlFor(s3Http.endpoint).replace(/\/$/, ''),
    // Presigned URLs are for clients, which reach the store directly.
    MINIO_PUBLIC_ENDPOINT: s3.endpoint,
    MINIO_ACCESS_KEY: s3.accessKeyId,
    MINIO_SECRET_KEY: s3.secretAccessKey,
    MINIO_BUCKET_NAME: BUCKET,
    BCRYPT_ROUNDS: '4',
    THROTTLE_LIMIT: '100000',
    LOGIN_THROTTLE_LIMIT: '100000',
    PASSWORD_HASH_QUEUE_MAX: '1000',
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    ...(redisProxy ? { REDIS_URL: ownRedisDatabase(redisProxy.urlFor(REDIS_URL!)) } : {}),
  };
});

afterAll(async () => {
  await killAll(servers);
  await owner?.end();
  await Promise.all([pgProxy?.close(), s3Proxy?.close(), redisProxy?.close(), s3Http?.stop()]);
  await Promise.all([postgres?.stop(), s3?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

/**
 * `url` on a Redis database of this suite's own: the rate-limit counters of anonymous requests
 * (the readiness polls, by address) would otherwise count against the servers of other suites on
 * the same Redis (scale-out runs with a limit of 6).
 */
function ownRedisDatabase(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/13';
  return parsed.toString();
}

function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

async function startServer(): Promise<ServerProcess> {
  const server = await startProcess(root, env);
  servers.push(server);
  await untilHealthy(server, 30_000);
  return server;
}

// --- HTTP as a client sees it ------------------------------------------------------------------

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  ms: number;
}

/** One request on a fresh connection; the body parsed when it is JSON. */
async function call(
  server: ServerProcess,
  method: string,
  path: string,
  options: { bearer?: string; json?: unknown; form?: FormData } = {},
): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method,
    headers: {
      ...(options.bearer ? { Authorization: options.bearer } : {}),
      ...(options.json === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: options.form ?? (options.json === undefined ? undefined : JSON.stringify(options.json)),
  });
  const text = await res.text();
  let body: unknown = text;
  if (/json/.test(res.headers.get('content-type') ?? '')) body = JSON.parse(text);
  return { status: res.status, body, ms: Date.now() - started };
}

function expectAnswer(answer: Answer, status: number): void {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

function expectProblem(answer: Answer, status: number, type: string): void {
  expect({ status: answer.status, type: answer.body?.type }).toEqual({
    status,
    type: `urn:lc-workflow:problem:${type}`,
  });
}

async function login(server: ServerProcess, username: string): Promise<Answer> {
  return call(server, 'POST', '/api/v1/auth/login', { json: { username, password: PASSWORD } });
}

async function bearerOf(server: ServerProcess, username: string): Promise<string> {
  const res = await login(server, username);
  expectAnswer(res, 200);
  return `Bearer ${res.body.access_token}`;
}

/** A direct upload in flight: the form's head is sent; `send` more, `finish` to end it. */
interface HeldUpload {
  send(bytes: Buffer): void;
  finish(rest: Buffer): void;
  /** The status, or the connection error when the connection was cut; with the time. */
  answer: Promise<{ status?: number; error?: string; body: string; at: number }>;
}

function startUpload(
  server: ServerProcess,
  bearer: string,
  applicationId: string,
  size: number,
): HeldUpload {
  const boundary = `resilience${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\n` +
      `Content-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req = httpRequest({
    host: '127.0.0.1',
    port: server.port,
    method: 'POST',
    path: `/api/v1/files/upload?application_id=${applicationId}`,
    agent: false,
    headers: {
      Authorization: bearer,
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': String(head.length + size + tail.length),
    },
  });
  const answer = new Promise<{ status?: number; error?: string; body: string; at: number }>(
    (resolve) => {
      req.once('response', (res: IncomingMessage) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.once('end', () => resolve({ status: res.statusCode, body, at: Date.now() }));
        res.once('error', (error: NodeJS.ErrnoException) =>
          resolve({ error: error.code ?? error.message, body, at: Date.now() }),
        );
      });
      req.once('error', (error: NodeJS.ErrnoException) =>
        resolve({ error: error.code ?? error.message, body: '', at: Date.now() }),
      );
    },
  );
  req.write(head);
  return {
    send: (bytes) => void req.write(bytes),
    finish: (rest) => req.end(Buffer.concat([rest, tail])),
    answer,
  };
}

/** A PDF (by its signature) of `size` bytes. */
function pdfOfSize(size: number): Buffer {
  const head = samplePdf('resilience');
  return Buffer.concat([head, randomBytes(size - head.length)]);
}

/** The status of a GET on a connection of its own, or the connection's error code. */
function statusOrError(
  server: ServerProcess,
  path: string,
  bearer: string,
): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        agent: false,
        headers: { Authorization: bearer },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      },
    );
    req.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    req.end();
  });
}

/** Whether a new TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function count(sql: string, parameters: unknown[] = []): Promise<number> {
  return Number((await owner.query(sql, parameters)).rows[0].n);
}

async function objectExists(key: string): Promise<boolean> {
  const client = s3ClientFor({ ...s3, s3rver: true });
  try {
    await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return false;
    }
    throw error;
  } finally {
    client.destroy();
  }
}

// --- the organisation every test works in ------------------------------------------------------

interface Team {
  admin: string;
  officer: string;
  manager: string;
  officerName: string;
}

/** The first admin (setup), a branch and department, an officer and a manager there. */
async function makeTeam(server: ServerProcess): Promise<Team> {
  const adminName = `admin_${tag()}`;
  const user = (username: string, fields: Record<string, unknown> = {}) => ({
    username,
    email: `${username}@example.test`,
    password: PASSWORD,
    first_name: 'Resilience',
    last_name: username,
    ...fields,
  });
  expectAnswer(
    await call(server, 'POST', '/api/v1/auth/setup-first-admin', { json: user(adminName) }),
    201,
  );
  const admin = await bearerOf(server, adminName);
  const branch = await call(server, 'POST', '/api/v1/branches', {
    bearer: admin,
    json: newBranchBody(),
  });
  expectAnswer(branch, 201);
  const department = await call(server, 'POST', '/api/v1/departments', {
    bearer: admin,
    json: newDepartmentBody(),
  });
  expectAnswer(department, 201);
  const unit = { branch_id: branch.body.id, department_id: department.body.id };
  const officerName = `officer_${tag()}`;
  const managerName = `manager_${tag()}`;
  for (const [name, role] of [
    [officerName, 'officer'],
    [managerName, 'manager'],
  ]) {
    expectAnswer(
      await call(server, 'POST', '/api/v1/users', {
        bearer: admin,
        json: user(name, { role, ...unit }),
      }),
      201,
    );
  }
  return {
    admin,
    officer: await bearerOf(server, officerName),
    manager: await bearerOf(server, managerName),
    officerName,
  };
}

async function newApplication(server: ServerProcess, team: Team): Promise<string> {
  const res = await call(server, 'POST', '/api/v1/applications', {
    bearer: team.officer,
    json: applicationBody(),
  });
  expectAnswer(res, 201);
  return res.body.id as string;
}

async function uploadFile(
  server: ServerProcess,
  bearer: string,
  applicationId: string,
  data: Buffer,
  filename: string,
): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([data]), filename);
  return call(server, 'POST', `/api/v1/files/upload?application_id=${applicationId}`, {
    bearer,
    form,
  });
}

// --- the tests ---------------------------------------------------------------------------------

describe('the server through proxies (one process at a time)', () => {
  let server: ServerProcess;
  let team: Team;

  beforeAll(async () => {
    server = await startServer();
    team = await makeTeam(server);
  });

  /** Polls until `path` answers 200 again; how long that took. */
  async function untilServing(path: string, bearer?: string): Promise<number> {
    const started = Date.now();
    await waitFor(async () => (await call(server, 'GET', path, { bearer })).status === 200, 10_000);
    return Date.now() - started;
  }

  describe('PostgreSQL', () => {
    afterEach(() => pgProxy.setMode('forward'));

    it('stopped: 503 database-unavailable within 3 s (a list, a login); readiness 503 naming it, liveness 200; serving again within 5 s', async () => {
      expectAnswer(await call(server, 'GET', '/api/v1/applications', { bearer: team.admin }), 200);
      pgProxy.setMode('stopped');

      const list = await call(server, 'GET', '/api/v1/applications', { bearer: team.admin });
      expectProblem(list, 503, 'database-unavailable');
      expect(list.ms).toBeLessThan(3_000);
      const signIn = await login(server, team.officerName);
      expectProblem(signIn, 503, 'database-unavailable');
      expect(signIn.ms).toBeLessThan(3_000);
      const ready = await call(server, 'GET', '/api/v1/health');
      expectProblem(ready, 503, 'not-ready');
      expect(ready.body.down).toContain('database');
      expectAnswer(await call(server, 'GET', '/health'), 200);

      pgProxy.setMode('forward');
      expect(await untilServing('/api/v1/applications', team.admin)).toBeLessThan(5_000);
      expectAnswer(await login(server, team.officerName), 200);
    });

    it('frozen: 503 within the statement timeout + 2 s (a list, a login); readiness 503 naming it, liveness 200; serving again within 5 s', async () => {
      expectAnswer(await call(server, 'GET', '/api/v1/applications', { bearer: team.admin }), 200);
      pgProxy.setMode('frozen');

      const bound = STATEMENT_TIMEOUT_MS + 2_000;
      const [list, signIn, ready, live] = await Promise.all([
        call(server, 'GET', '/api/v1/applications', { bearer: team.admin }),
        login(server, team.officerName),
        call(server, 'GET', '/api/v1/health'),
        call(server, 'GET', '/health'),
      ]);
      expectProblem(list, 503, 'database-unavailable');
      expect(list.ms).toBeLessThan(bound);
      expectProblem(signIn, 503, 'database-unavailable');
      expect(signIn.ms).toBeLessThan(bound);
      expectProblem(ready, 503, 'not-ready');
      expect(ready.body.down).toContain('database');
      expect(live.status).toBe(200);
      // Requests arriving while connections are held (the pool's are busy or stuck) too.
      const again = await call(server, 'GET', '/api/v1/applications', { bearer: team.manager });
      expectProblem(again, 503, 'database-unavailable');
      expect(again.ms).toBeLessThan(bound);

      pgProxy.setMode('forward');
      expect(await untilServing('/api/v1/applications', team.admin)).toBeLessThan(5_000);
      expectAnswer(await login(server, team.officerName), 200);
      expect(await untilServing('/api/v1/health')).toBeLessThan(5_000);
    });
  });

  describe('S3', () => {
    afterEach(() => s3Proxy.setMode('forward'));

    it('stopped: upload, finalize, multipart complete, content, thumbnail and documents.zip answer 503 storage-unavailable and write no file row and no audit event; download (presigned) still 200', async () => {
      const applicationId = await newApplication(server, team);
      const image = await uploadFile(
        server,
        team.officer,
        applicationId,
        await sampleImage('png'),
        'photo.png',
      );
      expectAnswer(image, 201);
      const fileId = image.body.id as string;
      // A presigned upload and a chunked one, their bytes in the store, waiting to be recorded.
      const pdf = samplePdf('presigned');
      const url = await call(server, 'POST', '/api/v1/files/upload-url', {
        bearer: team.officer,
        json: { filename: 'p.pdf', size: pdf.length, application_id: applicationId },
      });
      expectAnswer(url, 201);
      expect((await fetch(url.body.upload_url, { method: 'PUT', body: pdf })).status).toBe(200);
      const chunked = await call(server, 'POST', '/api/v1/files/multipart', {
        bearer: team.officer,
        json: { filename: 'c.pdf', size: pdf.length, application_id: applicationId },
      });
      expectAnswer(chunked, 201);
      const uploadId = chunked.body.upload_id as string;
      const partUrls = await call(server, 'POST', `/api/v1/files/multipart/${uploadId}/parts`, {
        bearer: team.officer,
        json: { part_numbers: [1] },
      });
      expectAnswer(partUrls, 200);
      const part = await fetch(partUrls.body.parts[0].upload_url, { method: 'PUT', body: pdf });
      expect(part.status).toBe(200);
      const etag = part.headers.get('etag')!;

      const files = () => count(`SELECT count(*) AS n FROM files`);
      const events = () => count(`SELECT count(*) AS n FROM audit_events`);
      const [filesBefore, eventsBefore] = [await files(), await events()];
      s3Proxy.setMode('stopped');

      const answers = {
        upload: await uploadFile(server, team.officer, applicationId, samplePdf('x'), 'x.pdf'),
        finalize: await call(server, 'POST', '/api/v1/files/finalize', {
          bearer: team.officer,
          json: { object_name: url.body.object_name, original_filename: 'p.pdf' },
        }),
        complete: await call(server, 'POST', `/api/v1/files/multipart/${uploadId}/complete`, {
          bearer: team.officer,
          json: { parts: [{ part_number: 1, etag }] },
        }),
        content: await call(server, 'GET', `/api/v1/files/${fileId}/content`, {
          bearer: team.officer,
        }),
        thumbnail: await call(server, 'GET', `/api/v1/files/${fileId}/thumbnail`, {
          bearer: team.officer,
        }),
        zip: await call(server, 'GET', `/api/v1/applications/${applicationId}/documents.zip`, {
          bearer: team.officer,
        }),
      };
      const types = Object.fromEntries(
        Object.entries(answers).map(([name, answer]) => [name, [answer.status, answer.body?.type]]),
      );
      const unavailable = [503, 'urn:lc-workflow:problem:storage-unavailable'];
      expect(types).toEqual({
        upload: unavailable,
        finalize: unavailable,
        complete: unavailable,
        content: unavailable,
        thumbnail: unavailable,
        zip: unavailable,
      });
      expect(await files()).toBe(filesBefore);
      expect(await events()).toBe(eventsBefore);
      const ready = await call(server, 'GET', '/api/v1/health');
      expectProblem(ready, 503, 'not-ready');
      expect(ready.body.down).toEqual(['storage']);
      // Presigning needs no request to the store: the link works once the store is back.
      const download = await call(server, 'GET', `/api/v1/files/${fileId}/download`, {
        bearer: team.officer,
      });
      expectAnswer(download, 200);
      expect(download.body.download_url).toMatch(/X-Amz-Signature=/);

      s3Proxy.setMode('forward');
      // Nothing was lost: the waiting uploads are recorded once the store answers.
      const finalized = await call(server, 'POST', '/api/v1/files/finalize', {
        bearer: team.officer,
        json: { object_name: url.body.object_name, original_filename: 'p.pdf' },
      });
      expectAnswer(finalized, 201);
      const completed = await call(server, 'POST', `/api/v1/files/multipart/${uploadId}/complete`, {
        bearer: team.officer,
        json: { parts: [{ part_number: 1, etag }] },
      });
      expectAnswer(completed, 201);
      expect(
        (
          await call(server, 'GET', `/api/v1/applications/${applicationId}/documents.zip`, {
            bearer: team.officer,
          })
        ).status,
      ).toBe(200);
    });
  });

  describe('Redis', () => {
    const withRedis = REDIS_URL ? it : it.skip;
    if (!REDIS_URL) {
      it('is skipped: TEST_REDIS_URL is not set (no Redis to stop)', () => undefined);
    }
    afterEach(() => redisProxy?.setMode('forward'));

    withRedis(
      'stopped mid-run: requests keep being served (rate limits counted in memory); readiness names it',
      async () => {
        expectAnswer(await call(server, 'GET', '/api/v1/health'), 200);
        redisProxy!.setMode('stopped');
        for (let i = 0; i < 10; i += 1) {
          const res = await call(server, 'GET', '/api/v1/applications', { bearer: team.officer });
          expectAnswer(res, 200);
          expect(res.ms).toBeLessThan(2_000);
        }
        expectAnswer(await login(server, team.officerName), 200);
        const ready = await call(server, 'GET', '/api/v1/health');
        expectProblem(ready, 503, 'not-ready');
        expect(ready.body.down).toEqual(['redis']);
        redisProxy!.setMode('forward');
        expect(await untilServing('/api/v1/health')).toBeLessThan(5_000);
      },
    );
  });

  describe('kill -9 during uploads and transitions, then a restart', () => {
    /** The lifecycle timestamps that each status has set (and no others). */
    const STAMPS: Record<string, string[]> = {
      draft: [],
      submitted: ['submitted_at'],
      initial_review: ['submitted_at', 'reviewer_assigned_at'],
      credit_check: ['submitted_at', 'reviewer_assigned_at', 'reviewed_at'],
      approval_pending: ['submitted_at', 'reviewer_assigned_at', 'reviewed_at', 'risk_assessed_at'],
      approved: [
        'submitted_at',
        'reviewer_assigned_at',
        'reviewed_at',
        'risk_assessed_at',
        'approved_at',
      ],
    };
    const ALL_STAMPS = STAMPS.approved;

    it('leaves no orphan object (storage:check --older-than 0) and no application half-transitioned', async () => {
      // Applications waiting for a submit (officer), and others for an approval (admin).
      const drafts = await Promise.all(
        Array.from({ length: 8 }, () => newApplication(server, team)),
      );
      const pending = await Promise.all(
        Array.from({ length: 8 }, () => newApplication(server, team)),
      );
      // One after the other: concurrent submits wait for each other's reviewer pick, and this
      // server's statement timeout is 1 s.
      for (const id of pending) {
        for (const [bearer, action] of [
          [team.officer, 'submit'],
          [team.manager, 'complete-review'],
          [team.manager, 'assess-risk'],
        ]) {
          expectAnswer(
            await call(server, 'PATCH', `/api/v1/applications/${id}/${action}`, {
              bearer,
              json: {},
            }),
            200,
          );
        }
      }
      const transitionsDone = () =>
        count(
          `SELECT count(*) AS n FROM audit_events
            WHERE action IN ('application.submit', 'application.approve')`,
        );
      const doneBefore = await transitionsDone();

      // Uploads in flight (some held half-way, some streaming at full speed) and transitions.
      const held = [drafts[0], drafts[1]].map((id) => {
        const upload = startUpload(server, team.officer, id, 6 * MiB);
        upload.send(pdfOfSize(6 * MiB).subarray(0, 5 * MiB + 1));
        return upload;
      });
      const heldIntents = () =>
        count(`SELECT count(*) AS n FROM upload_intents WHERE application_id = ANY($1::uuid[])`, [
          drafts.slice(0, 2),
        ]);
      await waitFor(async () => (await heldIntents()) === held.length, 10_000);
      const streaming = drafts.slice(2, 6).map((id) => {
        const data = pdfOfSize(3 * MiB);
        const upload = startUpload(server, team.officer, id, data.length);
        upload.finish(data);
        return upload;
      });
      const transitions = [
        ...drafts.map((id) =>
          call(server, 'PATCH', `/api/v1/applications/${id}/submit`, {
            bearer: team.officer,
            json: {},
          }),
        ),
        ...pending.map((id) =>
          call(server, 'PATCH', `/api/v1/applications/${id}/approve`, {
            bearer: team.admin,
            json: {},
          }),
        ),
      ].map((answer) => answer.catch(() => undefined));
      // Killed once the first transition has committed, the others under way.
      await waitFor(async () => (await transitionsDone()) > doneBefore, 10_000);
      server.child.kill('SIGKILL');
      await server.exited;
      await Promise.all([...transitions, ...[...held, ...streaming].map((u) => u.answer)]);

      server = await startServer();
      const check = await storageCheck();
      expect(check.stdout).toMatch(/^Object orphans \(nothing names them, older than 0\): 0$/m);
      expect(check.stdout).toMatch(/^Rows without an object .*: 0$/m);
      // The uploads cut half-way are named by their intents (the sweep removes them after the
      // body timeout): in flight, not orphans.
      const inFlight = /^Intents in flight \(uploads not recorded yet\): (\d+)$/m.exec(
        check.stdout,
      );
      expect(Number(inFlight?.[1])).toBeGreaterThanOrEqual(held.length);
      expect(check.status).toBe(0);

      const rows: Record<string, unknown>[] = (
        await owner.query(
          `SELECT a.id, a.status, ${ALL_STAMPS.map((column) => `a.${column}`).join(', ')},
                  (SELECT json_agg(json_build_array(e.from_status, e.to_status)
                                   ORDER BY e.occurred_at, e.id)
                     FROM audit_events e
                    WHERE e.entity_type = 'application' AND e.entity_id = a.id::text
                      AND e.to_status IS NOT NULL) AS trail
             FROM customer_applications a WHERE a.id = ANY($1::uuid[])`,
          [[...drafts, ...pending]],
        )
      ).rows;
      expect(rows).toHaveLength(16);
      const moved = { submitted: 0, approved: 0 };
      for (const row of rows) {
        const status = String(row.status);
        const trail = row.trail as [string | null, string][];
        // The latest event names the status; each event starts where the previous one ended.
        expect({ id: row.id, status: trail[trail.length - 1][1] }).toEqual({ id: row.id, status });
        for (let i = 1; i < trail.length; i += 1) expect(trail[i][0]).toBe(trail[i - 1][1]);
        const set = ALL_STAMPS.filter((column) => row[column] !== null);
        expect({ id: row.id, status, set }).toEqual({ id: row.id, status, set: STAMPS[status] });
        if (drafts.includes(String(row.id)) && status !== 'draft') moved.submitted += 1;
        if (status === 'approved') moved.approved += 1;
      }
      // The crash came while transitions ran: at least one committed.
      expect(moved.submitted + moved.approved).toBeGreaterThan(0);
      expectAnswer(await call(server, 'GET', '/api/v1/health'), 200);
    });

    /** `npm run storage:check -- --older-than 0` over the same database and bucket. */
    function storageCheck(): Promise<{ status: number | null; stdout: string; stderr: string }> {
      const cliEnv = { ...env, PATH: process.env.PATH ?? '' };
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          [CLI, 'storage-check', '--older-than', '0'],
          { cwd: root, env: cliEnv, timeout: 30_000 },
          (error, stdout, stderr) =>
            resolve({
              status: error ? (typeof error.code === 'number' ? error.code : null) : 0,
              stdout,
              stderr,
            }),
        );
      });
    }
  });

  describe('SIGTERM under load', () => {
    it(`refuses new connections at once, gives requests in flight ${GRACE_MS} ms, then cuts them (a cut upload leaves no object and no row) and exits`, async () => {
      const applicationId = await newApplication(server, team);
      const direct = () => count(`SELECT count(*) AS n FROM upload_intents WHERE kind = 'direct'`);
      const intentsBefore = await direct();
      // One upload that will not finish in time (its first 5 MiB part is on its way to the
      // store), one that will.
      const big = pdfOfSize(6 * MiB);
      const held = startUpload(server, team.officer, applicationId, big.length);
      held.send(big.subarray(0, 5 * MiB + 1));
      const small = pdfOfSize(256 * 1024);
      const finishing = startUpload(server, team.officer, applicationId, small.length);
      finishing.send(small.subarray(0, 64 * 1024));
      await waitFor(async () => (await direct()) === intentsBefore + 2, 10_000);
      const keys: string[] = (
        await owner.query(
          `SELECT object_key FROM upload_intents WHERE kind = 'direct' AND application_id = $1`,
          [applicationId],
        )
      ).rows.map((row: { object_key: string }) => row.object_key);
      // And a burst of reads under way.
      const burst = Array.from({ length: 20 }, () =>
        statusOrError(server, '/api/v1/applications', team.officer),
      );

      const sentAt = Date.now();
      server.child.kill('SIGTERM');
      await waitFor(() => refused(server.port), 1_000);
      // Within the grace, the second upload's client sends the rest: it is recorded.
      await new Promise((resolve) => setTimeout(resolve, 300));
      finishing.finish(small.subarray(64 * 1024));
      const finished = await finishing.answer;
      expect(finished.status).toBe(201);
      const recorded = JSON.parse(finished.body) as { id: string; file_path: string };

      const cut = await held.answer;
      expect(cut.status).toBeUndefined();
      expect(cut.at - sentAt).toBeGreaterThanOrEqual(GRACE_MS - 100);
      expect(await server.exited).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(GRACE_MS + 8_000);
      // Every read of the burst was answered, or its connection refused before it was taken.
      for (const status of await Promise.all(burst)) {
        expect([200, 'ECONNREFUSED', 'ECONNRESET']).toContain(status);
      }

      const heldKey = keys.find((key) => key !== recorded.file_path)!;
      expect(keys).toHaveLength(2);
      expect(await objectExists(heldKey)).toBe(false);
      expect(await count(`SELECT count(*) AS n FROM files WHERE file_path = $1`, [heldKey])).toBe(
        0,
      );
      // Its clean-up ran before the pool closed: no intent is left for the sweep either.
      expect(
        await count(`SELECT count(*) AS n FROM upload_intents WHERE object_key = $1`, [heldKey]),
      ).toBe(0);
      expect(await objectExists(recorded.file_path)).toBe(true);
      expect(server.stdout()).toMatch(
        /shutdown grace \(\d+ answer\(s\) unsent, \d+ handler\(s\) running\): their connections are cut/,
      );
    });
  });
});
