/**
 * Scale-out proven (issue 14 item 1): two compiled server processes, A and B, on one PostgreSQL
 * database, one S3 server and one Redis, as instances behind a load balancer run. Whatever one
 * instance does, the other obeys at once (sessions, rate limits) or within 5 s (settings); a
 * file stored through one is read through the other; and each periodic job runs on one
 * instance at a time, shown by counting its runs in both logs and both /metrics.
 *
 * Needs a Redis (TEST_REDIS_URL; `.ci/run` and CI set it when one listens): without it the
 * suite is skipped, and its title says so.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { hashSync } from 'bcryptjs';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startS3Proxy, type S3Proxy } from '../../bench/lib/s3-proxy';
import { BATCH, HASH_BATCH, STORAGE_JOBS, type StorageJob } from '../../src/files/storage-jobs';
import { expectProblem, expectStatus } from '../harness/expect';
import { TEST_PASSWORD } from '../harness/identity';
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
import { asOwner, loadState } from '../harness/state';
import { cloneDatabase, testEnvironment } from '../harness/test-app';
import { waitFor } from '../harness/wait';

jest.setTimeout(30_000);

/** Per user and route; low, so the shared-limit test reaches it in a few requests. */
const THROTTLE_LIMIT = 6;
/** The periodic jobs run this often on each instance (5 min and 1 min by default). */
const JOB_INTERVAL_MS = 200;

const redisUrl = process.env.TEST_REDIS_URL?.trim();
if (!redisUrl) {
  console.warn('scale-out: skipped, no Redis to share (set TEST_REDIS_URL to a running Redis)');
}

/** One JSON log line of a server (pino). */
type LogLine = Record<string, unknown> & { level: number; msg?: string };

function logLines(server: ServerProcess): LogLine[] {
  return server
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/**
 * A client address of its own for an anonymous request (TRUST_PROXY=loopback): per-IP counters
 * live in the shared Redis, which other suites and earlier runs use too.
 */
function someIp(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${c}`;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

(redisUrl ? describe : describe.skip)(
  `scale-out: two server processes on one PostgreSQL, S3 server and Redis (${
    redisUrl ? 'TEST_REDIS_URL' : 'skipped: TEST_REDIS_URL is not set, no Redis to share'
  })`,
  () => {
    const { s3 } = loadState();
    let workDir: string;
    const bucket = `scale-out-${randomBytes(4).toString('hex')}`;
    const s3Client = s3ClientFor(s3);
    let database: Awaited<ReturnType<typeof cloneDatabase>>;
    let proxy: S3Proxy | undefined;
    let a: ServerProcess;
    let b: ServerProcess;
    /** supertest bound to each instance. */
    let http: Record<'a' | 'b', ReturnType<typeof request>>;
    /** SQL as the schema owner, on the instances' database. */
    const sql = <T = Record<string, unknown>>(text: string, values?: unknown[]) =>
      withClient(
        asOwner(database.url),
        async (client) => (await client.query(text, values)).rows as T[],
      );

    beforeAll(async () => {
      workDir = mkdtempSync(join(tmpdir(), 'scale-out-'));
      database = await cloneDatabase();
      await s3Client.send(new CreateBucketCommand({ Bucket: bucket }));
      // The test S3 server needs a fix of bucket-level requests that only the embedded mode
      // turns on; a server given MINIO_ENDPOINT talks to it through this proxy (as the bench).
      proxy = s3.s3rver ? await startS3Proxy(s3.endpoint) : undefined;
      // One environment for both: the same secrets, database, bucket and Redis.
      const env = {
        ...testEnvironment(database.url, {
          MINIO_ENDPOINT: proxy?.endpoint ?? s3.endpoint,
          MINIO_BUCKET_NAME: bucket,
          REDIS_URL: redisUrl,
          THROTTLE_LIMIT: String(THROTTLE_LIMIT),
          TRUST_PROXY: 'loopback',
          STORAGE_SWEEP_INTERVAL_MS: String(JOB_INTERVAL_MS),
          CHECKSUM_FILL_INTERVAL_MS: String(JOB_INTERVAL_MS),
          // The job runs are logged at debug when they found nothing to do.
          LOG_LEVEL: 'debug',
        }),
        DATA_DIR: workDir,
      };
      [a, b] = await Promise.all([startServer(workDir, env), startServer(workDir, env)]);
      await Promise.all([untilHealthy(a, 25_000), untilHealthy(b, 25_000)]);
      http = {
        a: request(`http://127.0.0.1:${a.port}`),
        b: request(`http://127.0.0.1:${b.port}`),
      };
    }, 40_000);

    afterAll(async () => {
      const running = [a, b].filter(Boolean);
      await Promise.all(running.map((server) => stopWith(server, 'SIGTERM')));
      await killAll(running);
      await proxy?.stop();
      await database?.drop();
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    /** A user inserted straight into the database (cheap bcrypt), active, of `role`. */
    async function createUser(role: 'admin' | 'officer' = 'officer') {
      const tag = randomBytes(4).toString('hex');
      const [user] = await sql<{ id: string; username: string }>(
        `INSERT INTO users (username, email, password_hash, first_name, last_name, role)
         VALUES ($1, $2, $3, 'Scale', 'Out', $4) RETURNING id, username`,
        [`scale_${tag}`, `scale_${tag}@example.test`, hashSync(TEST_PASSWORD, 4), role],
      );
      return user;
    }

    /** A new user who logs in through `via`: the tokens and the user's id. */
    async function login(
      via: 'a' | 'b',
      role: 'admin' | 'officer' = 'officer',
    ): Promise<{ access: string; refresh: string; userId: string }> {
      const { id: userId, username } = await createUser(role);
      const res = await http[via]
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', someIp())
        .type('form')
        .send({ username, password: TEST_PASSWORD });
      expectStatus(res, 200);
      return {
        access: `Bearer ${res.body.access_token as string}`,
        refresh: res.body.refresh_token as string,
        userId,
      };
    }

    const me = (via: 'a' | 'b', bearer: string) =>
      http[via].get('/api/v1/auth/me').set('Authorization', bearer);
    const refresh = (via: 'a' | 'b', refreshToken: string) =>
      http[via]
        .post('/api/v1/auth/refresh')
        .set('X-Forwarded-For', someIp())
        .send({ refresh_token: refreshToken });

    it('a token issued by A works on B, and one issued by B on A', async () => {
      const fromA = await login('a');
      const onB = await me('b', fromA.access);
      expectStatus(onB, 200);
      expect(onB.body.id).toBe(fromA.userId);
      const fromB = await login('b');
      expectStatus(await me('a', fromB.access), 200);
    });

    it('logout on A: the access token is refused on B at once, and so is its refresh token', async () => {
      const session = await login('a');
      expectStatus(await me('b', session.access), 200);
      const out = await http.a.post('/api/v1/auth/logout').set('Authorization', session.access);
      expectStatus(out, 204);
      // The very next request, on the other instance.
      expectProblem(await me('b', session.access), 401);
      expectProblem(await refresh('b', session.refresh), 401);
    });

    it('a refresh rotated on A: the old refresh token fails on B and ends the session', async () => {
      const first = await login('a');
      const rotated = await refresh('a', first.refresh);
      expectStatus(rotated, 200);
      const newAccess = `Bearer ${rotated.body.access_token as string}`;
      expectStatus(await me('b', newAccess), 200);

      const reuse = await refresh('b', first.refresh);
      expectProblem(reuse, 401);
      expect(reuse.body.detail).toMatch(/already used/);
      // The reuse revoked the whole session: the new tokens stop working on both instances.
      expectProblem(await me('a', newAccess), 401);
      expectProblem(await me('b', newAccess), 401);
      expectProblem(await refresh('a', rotated.body.refresh_token as string), 401);
      const events = await sql<{ action: string }>(
        `SELECT action FROM audit_events WHERE entity_id = $1 AND action = 'auth.refresh_token_reused'`,
        [first.userId],
      );
      expect(events).toHaveLength(1);
    });

    it('the rate limit is shared: requests spread over A and B count together', async () => {
      const { access } = await login('a');
      // THROTTLE_LIMIT requests, alternating: each instance alone saw only half of them.
      for (let i = 0; i < THROTTLE_LIMIT; i += 1) {
        expectStatus(await me(i % 2 === 0 ? 'a' : 'b', access), 200);
      }
      for (const via of ['a', 'b'] as const) {
        const refused = await me(via, access);
        expectProblem(refused, 429, 'rate-limited');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    });

    it('a settings change made on A holds on B within 5 seconds', async () => {
      const { access } = await login('a', 'admin');
      const purposes = () =>
        http.b.get('/api/v1/enums/loan-purposes').set('X-Forwarded-For', someIp());
      // B serves the list in force (from its memory) before the change.
      const before = await purposes();
      expectStatus(before, 200);
      const added = { value: `scale_out_${randomBytes(3).toString('hex')}`, label: 'Scale out' };
      expect(before.body).not.toContainEqual(added);
      const current = await http.a
        .get('/api/v1/settings/catalog.loan_purposes')
        .set('Authorization', access);
      expectStatus(current, 200);
      const put = await http.a
        .put('/api/v1/settings/catalog.loan_purposes')
        .set('Authorization', access)
        .send({ value: [...(current.body.value as unknown[]), added] });
      expectStatus(put, 200);
      const changedAt = Date.now();
      await waitFor(async () => {
        const res = await purposes();
        const entries = res.body as { value: string; label: string }[];
        return res.status === 200 && entries.some((entry) => entry.value === added.value);
      }, 5000);
      expect(Date.now() - changedAt).toBeLessThan(5000);
    });

    it('a file uploaded through A downloads through B (content and presigned URL)', async () => {
      const { access } = await login('a');
      const pdf = samplePdf(`scale-out ${randomUUID()}`);
      const uploaded = await http.a
        .post('/api/v1/files/upload')
        .set('Authorization', access)
        .attach('file', pdf, { filename: 'scale-out.pdf', contentType: 'application/pdf' });
      expectStatus(uploaded, 201);
      expect(uploaded.body.sha256).toBe(sha256(pdf));
      const id = uploaded.body.id as string;

      const content = await http.b
        .get(`/api/v1/files/${id}/content`)
        .set('Authorization', access)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expectStatus(content, 200);
      expect(Buffer.compare(content.body as Buffer, pdf)).toBe(0);

      const link = await http.b.get(`/api/v1/files/${id}/download`).set('Authorization', access);
      expectStatus(link, 200);
      const url = new URL(link.body.download_url as string);
      // Signed for the public endpoint with the shared credentials: the same URL as a client of
      // our own signs for that key, name and moment.
      const query = url.searchParams;
      const resigned = await getSignedUrl(
        s3ClientFor({ ...s3, endpoint: url.origin, s3rver: false }),
        new GetObjectCommand({
          Bucket: bucket,
          Key: uploaded.body.file_path as string,
          ResponseContentDisposition: query.get('response-content-disposition') ?? undefined,
          ResponseContentType: query.get('response-content-type') ?? undefined,
        }),
        {
          expiresIn: Number(query.get('X-Amz-Expires')),
          signingDate: parseAmzDate(query.get('X-Amz-Date')!),
        },
      );
      expect(new URL(resigned).searchParams.get('X-Amz-Signature')).toBe(
        query.get('X-Amz-Signature'),
      );
      // The test S3 server checks presigned signatures over its own encoding of the query, which
      // a `filename*=UTF-8''…` disposition never passes (storage.service.ts); there the object is
      // read without the signature (it serves anonymous reads). MinIO gets the URL as it is.
      const fetchedObject = await fetch(s3.s3rver ? `${url.origin}${url.pathname}` : url);
      expect(fetchedObject.status).toBe(200);
      expect(Buffer.compare(Buffer.from(await fetchedObject.arrayBuffer()), pdf)).toBe(0);
    });

    describe('each periodic job runs on one instance at a time (advisory lock), by counting', () => {
      // More than one run takes of each job, so that two runs at once would show.
      const DIRECT = BATCH + 10;
      const PRESIGNED = 10;
      const MULTIPART = BATCH + 10;
      const HASHED = 2 * HASH_BATCH + 5;

      /** What one run of a job, on either instance, says in its log line. */
      interface Run {
        server: 'a' | 'b';
        job: StorageJob;
        outcome: string;
        items: number;
        startedAt: number;
        finishedAt: number;
      }

      function runsOf(job: StorageJob): Run[] {
        const runs: Run[] = [];
        for (const [server, process] of [
          ['a', a],
          ['b', b],
        ] as const) {
          for (const line of logLines(process)) {
            if (line.msg !== 'Periodic job ran' || line.job !== job) continue;
            runs.push({ server, ...(line as unknown as Omit<Run, 'server'>) });
          }
        }
        return runs.sort((x, y) => x.startedAt - y.startedAt);
      }

      const itemsDone = (job: StorageJob) => runsOf(job).reduce((sum, run) => sum + run.items, 0);

      /** `lc_job_runs_total` of one instance: job → outcome → count. */
      async function jobRuns(via: 'a' | 'b'): Promise<Map<string, Map<string, number>>> {
        const res = await http[via].get('/metrics').set('X-Forwarded-For', someIp());
        expectStatus(res, 200);
        const counts = new Map<string, Map<string, number>>();
        for (const match of res.text.matchAll(
          /^lc_job_runs_total\{job_name="(\w+)",outcome="(\w+)"\} (\d+)$/gm,
        )) {
          const byOutcome = counts.get(match[1]) ?? new Map<string, number>();
          byOutcome.set(match[2], Number(match[3]));
          counts.set(match[1], byOutcome);
        }
        const lastSuccess = [
          ...res.text.matchAll(
            /^lc_job_last_success_timestamp_seconds\{job_name="(\w+)"\} ([\d.e+]+)$/gm,
          ),
        ];
        for (const job of STORAGE_JOBS) {
          const found = lastSuccess.find((match) => match[1] === job);
          expect(found).toBeDefined();
          expect(Date.now() / 1000 - Number(found![2])).toBeLessThan(60);
        }
        return counts;
      }

      it('seeded work is done exactly once, in whole batches, by runs that never overlap; both instances tried, one was skipped', async () => {
        const { id: userId } = await createUser();
        const prefix = `user-uploads/${userId}/seed-`;
        const keys = {
          direct: Array.from({ length: DIRECT }, (_, n) => `${prefix}direct-${n}.pdf`),
          presigned: Array.from({ length: PRESIGNED }, (_, n) => `${prefix}presigned-${n}.pdf`),
          multipart: Array.from({ length: MULTIPART }, (_, n) => `${prefix}multipart-${n}.pdf`),
          files: Array.from({ length: HASHED }, (_, n) => `${prefix}file-${n}.pdf`),
        };
        const contents = keys.files.map((key) => samplePdf(key));
        const all = [...keys.direct, ...keys.presigned, ...keys.multipart];
        // Objects first, then the rows naming them in one transaction: the jobs see all or none.
        for (let i = 0; i < all.length + HASHED; i += 25) {
          await Promise.all(
            [...all, ...keys.files].slice(i, i + 25).map((key, offset) =>
              s3Client.send(
                new PutObjectCommand({
                  Bucket: bucket,
                  Key: key,
                  Body:
                    i + offset >= all.length ? contents[i + offset - all.length] : samplePdf(key),
                }),
              ),
            ),
          );
        }
        await withClient(asOwner(database.url), async (client) => {
          await client.query('BEGIN');
          // Due: a direct upload that died over an hour ago, presigned keys whose URL expired
          // over an hour ago, chunked uploads past their lifetime.
          await client.query(
            `INSERT INTO upload_intents (object_key, kind, user_id, started_at, expires_at)
             SELECT key, 'direct', $2::uuid, now() - interval '2 hours', NULL FROM unnest($1::text[]) key
             UNION ALL
             SELECT key, 'presigned', $2::uuid, now() - interval '3 hours', now() - interval '2 hours'
               FROM unnest($3::text[]) key
             UNION ALL
             SELECT key, 'multipart', $2::uuid, now() - interval '1 day', now() - interval '1 minute'
               FROM unnest($4::text[]) key`,
            [keys.direct, userId, keys.presigned, keys.multipart],
          );
          await client.query(
            `INSERT INTO files (filename, original_filename, file_path, file_size, mime_type, uploaded_by)
             SELECT 'seed.pdf', 'seed.pdf', key, size, 'application/pdf', $3::uuid
               FROM unnest($1::text[], $2::bigint[]) AS seeded(key, size)`,
            [keys.files, contents.map((data) => data.length), userId],
          );
          await client.query('COMMIT');
        });

        const expected: Record<StorageJob, number[]> = {
          // A run takes a batch of direct intents, then one of presigned ones.
          upload_intents: [BATCH + PRESIGNED, DIRECT - BATCH],
          multipart_expiry: batches(MULTIPART, BATCH),
          checksum_fill: batches(HASHED, HASH_BATCH),
        };
        const total = (job: StorageJob) => expected[job].reduce((sum, n) => sum + n, 0);
        await waitFor(() => STORAGE_JOBS.every((job) => itemsDone(job) >= total(job)), 20_000);

        // Every item handled once: each object removed by one run of one instance, each hash
        // filled, nothing left.
        const removed = [a, b].flatMap((server) =>
          logLines(server)
            .filter((line) => line.msg === 'Removed an abandoned upload and its object')
            .map((line) => line.key as string),
        );
        expect(removed.sort()).toEqual([...all].sort());
        expect(await sql('SELECT 1 FROM upload_intents WHERE user_id = $1', [userId])).toEqual([]);
        const listed = await s3Client.send(
          new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }),
        );
        expect((listed.Contents ?? []).map((object) => object.Key).sort()).toEqual(
          [...keys.files].sort(),
        );
        const hashes = await sql<{ file_path: string; sha256: string | null }>(
          'SELECT file_path, sha256 FROM files WHERE uploaded_by = $1',
          [userId],
        );
        expect(new Map(hashes.map((row) => [row.file_path, row.sha256]))).toEqual(
          new Map(keys.files.map((key, i) => [key, sha256(contents[i])])),
        );
        // No warning or error of the jobs on either instance (a file hashed twice would warn).
        for (const server of [a, b]) {
          const complaints = logLines(server).filter(
            (line) => line.level >= 40 && line.context === 'StorageJobs',
          );
          expect(complaints).toEqual([]);
        }

        // The logs first: a run logs its line before it counts in /metrics, in the same tick.
        const runsByJob = new Map(STORAGE_JOBS.map((job) => [job, runsOf(job)]));
        const metrics = { a: await jobRuns('a'), b: await jobRuns('b') };
        let skipped = 0;
        for (const job of STORAGE_JOBS) {
          const runs = runsByJob.get(job)!;
          // The work came in whole batches, one run after the other: two runs at once would
          // have split a batch between them.
          expect(runs.filter((run) => run.items > 0).map((run) => run.items)).toEqual(
            expected[job],
          );
          // No run of the job began before the previous one (on either instance) had ended.
          for (let i = 1; i < runs.length; i += 1) {
            expect(runs[i].startedAt).toBeGreaterThanOrEqual(runs[i - 1].finishedAt);
          }
          const count = (via: 'a' | 'b', outcome: string) =>
            metrics[via].get(job)?.get(outcome) ?? NaN;
          // Both instances ran it; /metrics agrees with the logs (the log line comes first).
          for (const via of ['a', 'b'] as const) {
            expect(count(via, 'success')).toBeGreaterThanOrEqual(
              runs.filter((run) => run.server === via).length,
            );
            expect(runs.some((run) => run.server === via)).toBe(true);
            expect(count(via, 'failure')).toBe(0);
          }
          skipped += count('a', 'skipped') + count('b', 'skipped');
        }
        // The instances did try at once: one found a lock held and left the run to the other.
        // (Summed over the jobs: an instance runs its own jobs one after the other, so while it
        // works through one job's batch it tries no other, and a given job may never collide.)
        expect(skipped).toBeGreaterThan(0);
      }, 45_000);
    });
  },
);

/** `20260102T030405Z` (X-Amz-Date) as a Date. */
function parseAmzDate(value: string): Date {
  return new Date(
    value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
}

/** `total` items taken `size` at a time: 250 by 100 → [100, 100, 50]. */
function batches(total: number, size: number): number[] {
  return Array.from({ length: Math.ceil(total / size) }, (_, i) =>
    Math.min(size, total - i * size),
  );
}
