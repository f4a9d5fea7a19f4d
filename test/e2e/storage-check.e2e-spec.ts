/**
 * No orphans, proven (issue 11 item 10): failures are injected into the presigned and chunked
 * paths — the database write fails after the object is stored, storage fails mid-stream, the
 * client goes away — then the storage jobs run and `npm run storage:check` (the compiled CLI,
 * over this suite's database and bucket) finds the store clean. A planted orphan and a row
 * without its object are reported, and `--fix` deletes the orphan only.
 */
import { createHash } from 'node:crypto';
import { StorageJobs } from '../../src/files/storage-jobs';
import { UploadIntents } from '../../src/files/upload-intents';
import { createApplication, makeUnit, member } from '../harness/applications-fixtures';
import { runCli } from '../harness/cli';
import { expectProblem, expectStatus } from '../harness/expect';
import { requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { samplePdf } from '../harness/sample-files';
import { loadState } from '../harness/state';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy';
import { cloneDatabase, createTestApp, type TestApp } from '../harness/test-app';

const MiB = 1024 * 1024;
const FAIL_MARKER = 'fail-db-write';

function pdfOfSize(size: number): Buffer {
  const head = samplePdf('storage check');
  return Buffer.concat([head, Buffer.alloc(size - head.length, 0x41)]);
}

async function putTo(url: string, body: Buffer): Promise<{ status: number; etag: string }> {
  const res = await fetch(url, { method: 'PUT', body });
  await res.arrayBuffer();
  return { status: res.status, etag: res.headers.get('etag') ?? '' };
}

describe('no orphans: injected failures, the storage jobs and npm run storage:check', () => {
  let database: Awaited<ReturnType<typeof cloneDatabase>>;
  let t: TestApp;
  let officer: Actor;
  let applicationId: string;

  beforeAll(async () => {
    database = await cloneDatabase();
    t = await createTestApp({
      database: { name: database.name, url: database.url },
      env: { MAX_FILE_SIZE: String(16 * MiB) },
    });
    officer = await member(t, 'officer', await makeUnit(t));
    applicationId = (await createApplication(t, officer)).id as string;
    // The database refuses the file row of a marked name, after the object is stored.
    await t.ownerQuery(`
      CREATE FUNCTION fail_marked_file() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.original_filename LIKE '${FAIL_MARKER}%' THEN
          RAISE EXCEPTION 'injected failure' USING ERRCODE = 'serialization_failure';
        END IF;
        RETURN NEW;
      END $$`);
    await t.ownerQuery(`CREATE TRIGGER fail_marked_file BEFORE INSERT ON files
      FOR EACH ROW EXECUTE FUNCTION fail_marked_file()`);
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  const api = (actor: Actor) => requestsAs(t, actor);
  const intentCount = async () =>
    Number((await t.dataSource.query(`SELECT count(*) AS n FROM upload_intents`))[0].n);

  /** The compiled CLI over this suite's database and bucket. */
  function storageCheck(...args: string[]) {
    const { s3 } = loadState();
    return runCli(database.url, ['storage-check', ...args], {
      MINIO_BUCKET_NAME: t.config.storage.bucket,
      // The test S3 server needs the embedded server's request fix: without an endpoint the CLI
      // starts the embedded server, over the same directory (DATA_DIR/s3) the harness's serves.
      ...(s3.s3rver ? { MINIO_ENDPOINT: '' } : {}),
    });
  }

  it('deletes the object when the database write fails after it was stored (finalize and complete)', async () => {
    const pdf = samplePdf('db fails');
    const url = await api(officer).post('/files/upload-url', {
      filename: `${FAIL_MARKER}.pdf`,
      application_id: applicationId,
    });
    expectStatus(url, 201);
    expect((await putTo(url.body.upload_url, pdf)).status).toBe(200);
    const res = await api(officer).post('/files/finalize', {
      object_name: url.body.object_name,
      original_filename: `${FAIL_MARKER}.pdf`,
    });
    expectProblem(res, 409, 'concurrent-update');
    expect(await t.storage.head(url.body.object_name)).toBeUndefined();

    const started = await api(officer).post('/files/multipart', {
      filename: `${FAIL_MARKER}-chunked.pdf`,
      size: pdf.length,
    });
    expectStatus(started, 201);
    const parts = await api(officer).post(`/files/multipart/${started.body.upload_id}/parts`, {
      part_numbers: [1],
    });
    const put = await putTo(parts.body.parts[0].upload_url, pdf);
    const complete = await api(officer).post(
      `/files/multipart/${started.body.upload_id}/complete`,
      { parts: [{ part_number: 1, etag: put.etag }] },
    );
    expectProblem(complete, 409, 'concurrent-update');
    expect(await t.storage.head(started.body.object_name)).toBeUndefined();
    expect(await intentCount()).toBe(0);
    const rows = await t.dataSource.query(`SELECT 1 FROM files`);
    expect(rows).toEqual([]);
  });

  describe('with storage reached through a proxy that is cut mid-stream', () => {
    let proxy: TcpProxy;
    let viaProxy: TestApp;

    beforeAll(async () => {
      const endpoint = new URL(t.config.storage.endpoint);
      proxy = await startTcpProxy({ host: endpoint.hostname, port: Number(endpoint.port) });
      viaProxy = await createTestApp({
        database: { name: database.name, url: database.url },
        env: {
          MINIO_ENDPOINT: proxy.urlFor(t.config.storage.endpoint).replace(/\/$/, ''),
          MINIO_BUCKET_NAME: t.config.storage.bucket,
          MAX_FILE_SIZE: String(64 * MiB),
        },
      });
    });
    afterAll(async () => {
      await viaProxy?.close();
      await proxy?.close();
    });

    it('answers 503 storage-unavailable when the object stream breaks while it is hashed; the job removes what is left', async () => {
      const data = pdfOfSize(24 * MiB);
      const url = await requestsAs(viaProxy, officer).post('/files/upload-url', {
        filename: 'cut.pdf',
        size: data.length,
      });
      expectStatus(url, 201);
      expect((await putTo(url.body.upload_url, data)).status).toBe(200);
      // Cut the connection once the whole-object read (the hash) has started.
      const getStream = viaProxy.storage.getStream.bind(viaProxy.storage);
      const spy = jest
        .spyOn(viaProxy.storage, 'getStream')
        .mockImplementation(async (key: string, range?: string) => {
          const object = await getStream(key, range);
          if (!range) proxy.setMode('stopped');
          return object;
        });
      try {
        const res = await requestsAs(viaProxy, officer).post('/files/finalize', {
          object_name: url.body.object_name,
          original_filename: 'cut.pdf',
        });
        expectProblem(res, 503, 'storage-unavailable');
        expect(res.headers['retry-after']).toBe('5');
      } finally {
        spy.mockRestore();
        proxy.setMode('forward');
      }
      // Storage could not delete it then: the key's intent still names the object.
      expect(await t.storage.head(url.body.object_name)).toBeDefined();
      expect(await intentCount()).toBe(1);
      const swept = await t.app.get(StorageJobs).sweep(new Date(Date.now() + 2.5 * 3_600_000));
      expect(swept).toMatchObject({ presigned: 1 });
      expect(await t.storage.head(url.body.object_name)).toBeUndefined();
      expect(await intentCount()).toBe(0);
    });
  });

  it('removes what clients that went away left (a direct upload cut off, a key never finalized, a chunked upload never completed), then storage:check is clean', async () => {
    // A direct upload whose request died after its bytes were stored: its intent and object.
    const direct = `user-uploads/${officer.user.id}/direct-cut.pdf`;
    await t.app.get(UploadIntents).open({
      kind: 'direct',
      objectKey: direct,
      target: { userId: officer.user.id, applicationId: null, folderId: null, documentType: null },
    });
    await t.storage.putBuffer(direct, samplePdf('cut off'));
    const url = await api(officer).post('/files/upload-url', { filename: 'never.pdf' });
    expect((await putTo(url.body.upload_url, samplePdf('never finalized'))).status).toBe(200);
    const started = await api(officer).post('/files/multipart', {
      filename: 'never.pdf',
      size: 6 * MiB,
    });
    const parts = await api(officer).post(`/files/multipart/${started.body.upload_id}/parts`, {
      part_numbers: [1],
    });
    expect((await putTo(parts.body.parts[0].upload_url, pdfOfSize(5 * MiB))).status).toBe(200);
    // A recorded file, to show that named objects are left alone.
    const kept = await api(officer).post('/files/upload-url', { filename: 'kept.pdf' });
    const keptPdf = samplePdf('kept');
    expect((await putTo(kept.body.upload_url, keptPdf)).status).toBe(200);
    const keptFile = await api(officer).post('/files/finalize', {
      object_name: kept.body.object_name,
      original_filename: 'kept.pdf',
    });
    expectStatus(keptFile, 201);
    expect(keptFile.body.sha256).toBe(createHash('sha256').update(keptPdf).digest('hex'));

    const inFlight = await storageCheck('--older-than', '0');
    expect(inFlight.stderr).toBe('');
    expect(inFlight.stdout).toMatch(/Intents in flight \(uploads not recorded yet\): 3\n/);
    expect(inFlight.stdout).toMatch(/Object orphans \(nothing names them, older than 0\): 0\n/);
    expect(inFlight.status).toBe(0);

    // Not yet due: nothing is touched.
    expect(await t.app.get(StorageJobs).sweep()).toEqual({
      direct: 0,
      presigned: 0,
      multipart: 0,
    });
    // A day later, everything those clients left is due.
    expect(await t.app.get(StorageJobs).sweep(new Date(Date.now() + 25 * 3_600_000))).toEqual({
      direct: 1,
      presigned: 1,
      multipart: 1,
    });
    expect(await intentCount()).toBe(0);
    expect(await t.storage.head(direct)).toBeUndefined();
    expect(await t.storage.head(url.body.object_name)).toBeUndefined();
    expect(await t.storage.head(kept.body.object_name)).toBeDefined();

    const clean = await storageCheck('--older-than', '0');
    expect(clean.stderr).toBe('');
    expect(clean.stdout).toMatch(/1 object\(s\) in the bucket, 1 file row\(s\)/);
    expect(clean.stdout).toMatch(/Intents in flight \(uploads not recorded yet\): 0\n/);
    expect(clean.stdout).toMatch(/Clean\.\n$/);
    expect(clean.status).toBe(0);
  });

  it('reports a planted orphan and a row without its object separately (exit 2); --fix deletes the orphan only', async () => {
    const orphan = `user-uploads/${officer.user.id}/planted-orphan.pdf`;
    await t.storage.putBuffer(orphan, samplePdf('orphan'));
    const lostThumb = `applications/${applicationId}/root/gone.pdf.thumb-256.jpg`;
    await t.storage.putBuffer(lostThumb, 'thumbnail of a deleted file');
    const missingPath = `applications/${applicationId}/root/no-object.pdf`;
    const [row] = await t.dataSource.query(
      `INSERT INTO files (filename, original_filename, file_path, file_size, mime_type, application_id)
       VALUES ('no-object.pdf', 'no-object.pdf', $1, 10, 'application/pdf', $2) RETURNING id`,
      [missingPath, applicationId],
    );

    const young = await storageCheck();
    expect(young.stdout).toMatch(/Unnamed objects younger than 1h \(not judged\): 2\n/);
    expect(young.stdout).toMatch(/Object orphans \(nothing names them, older than 1h\): 0\n/);
    expect(young.status).toBe(2); // the row without its object

    const report = await storageCheck('--older-than', '0');
    expect(report.status).toBe(2);
    expect(report.stdout).toMatch(/Object orphans \(nothing names them, older than 0\): 2\n/);
    expect(report.stdout).toContain(`  ${orphan}\t`);
    expect(report.stdout).toContain(`  ${lostThumb}\t`);
    expect(report.stdout).toMatch(/Rows without an object \(never deleted by this check\): 1\n/);
    expect(report.stdout).toContain(`  file ${row.id}\t${missingPath}`);
    expect(report.stdout).toMatch(/NOT clean\.\n$/);
    expect(await t.storage.head(orphan)).toBeDefined();

    const fixed = await storageCheck('--older-than', '0', '--fix');
    expect(fixed.stdout).toMatch(/deleted \(--fix\): 2\n/);
    expect(fixed.status).toBe(2);
    expect(await t.storage.head(orphan)).toBeUndefined();
    expect(await t.storage.head(lostThumb)).toBeUndefined();
    const after = await storageCheck('--older-than', '0');
    expect(after.stdout).toMatch(/Object orphans \(nothing names them, older than 0\): 0\n/);
    expect(after.stdout).toMatch(/Rows without an object \(never deleted by this check\): 1\n/);
    expect(after.status).toBe(2);
    expect(await t.dataSource.query(`SELECT 1 FROM files WHERE id = $1`, [row.id])).toHaveLength(1);

    await t.dataSource.query(`DELETE FROM files WHERE id = $1`, [row.id]);
    const clean = await storageCheck('--older-than', '0');
    expect(clean.status).toBe(0);

    const usage = await storageCheck('--older-than', 'soon');
    expect(usage.status).toBe(1);
    expect(usage.stderr).toMatch(/^Usage: /);
  });
});
