/**
 * Chunked uploads (issue 11 item 5): POST /files/multipart, part URLs used with real `fetch`
 * PUTs, complete (201 with sha256 null, then the hash job fills it), abort, and the refusals.
 */
import { Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { StorageJobs } from '../../src/files/storage-jobs';
import {
  type ApplicationJson,
  createApplication,
  makeUnit,
  member,
} from '../harness/applications-fixtures';
import { expectProblem, expectStatus } from '../harness/expect';
import { requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { samplePdf } from '../harness/sample-files';
import { loadState } from '../harness/state';
import { createTestApp, type TestApp } from '../harness/test-app';

const MiB = 1024 * 1024;
const MAX_MULTIPART_FILE_SIZE = 64 * MiB;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A PDF (by its signature) of `size` bytes. */
function pdfOfSize(size: number): Buffer {
  const head = samplePdf('chunked');
  return Buffer.concat([head, randomBytes(size - head.length)]);
}

interface Started {
  upload_id: string;
  object_name: string;
  part_size: number;
  part_count: number;
}

describe('chunked uploads: POST /files/multipart, parts, complete, abort', () => {
  let t: TestApp;
  let officer: Actor;
  let other: Actor;
  let viewer: Actor;
  let application: ApplicationJson;

  beforeAll(async () => {
    t = await createTestApp({ env: { MAX_MULTIPART_FILE_SIZE: String(MAX_MULTIPART_FILE_SIZE) } });
    const unit = await makeUnit(t);
    [officer, other, viewer] = await Promise.all([
      member(t, 'officer', unit),
      member(t, 'officer', unit),
      member(t, 'viewer', unit),
    ]);
    application = await createApplication(t, officer);
  });
  afterAll(() => t?.close());

  const api = (actor: Actor) => requestsAs(t, actor);
  const intentRows = (id: string) =>
    t.dataSource.query(`SELECT kind, s3_upload_id, part_size FROM upload_intents WHERE id = $1`, [
      id,
    ]);

  async function start(actor: Actor, body: Record<string, unknown>): Promise<Started> {
    const res = await api(actor).post('/files/multipart', body);
    expectStatus(res, 201);
    return res.body as Started;
  }

  /** Asks for the part URLs and PUTs `parts` (part n = parts[n-1]); the completion list. */
  async function putParts(actor: Actor, uploadId: string, parts: Buffer[]) {
    const res = await api(actor).post(`/files/multipart/${uploadId}/parts`, {
      part_numbers: parts.map((_, index) => index + 1),
    });
    expectStatus(res, 200);
    expect(res.body.expires_in).toBe(3600);
    const urls = res.body.parts as { part_number: number; upload_url: string }[];
    return Promise.all(
      urls.map(async ({ part_number, upload_url }) => {
        const put = await fetch(upload_url, { method: 'PUT', body: parts[part_number - 1] });
        await put.arrayBuffer();
        expect(put.status).toBe(200);
        return { part_number, etag: put.headers.get('etag')! };
      }),
    );
  }

  it('takes 2 parts of 5 MiB and a small last one, answers 201 with sha256 null, and the hash job fills the real hash', async () => {
    const data = pdfOfSize(10 * MiB + 4321);
    const started = await start(officer, {
      filename: 'Land title scan.pdf',
      size: data.length,
      content_type: 'application/pdf',
      application_id: application.id,
      document_type: 'land_title',
    });
    expect(started).toMatchObject({ part_size: 5 * MiB, part_count: 3 });
    expect(started.object_name).toMatch(
      new RegExp(`^applications/${application.id}/root/[0-9a-f-]{36}\\.pdf$`),
    );
    const [intent] = await intentRows(started.upload_id);
    expect(intent).toMatchObject({ kind: 'multipart', part_size: String(5 * MiB) });
    expect(intent.s3_upload_id).toBeTruthy();

    const parts = await putParts(officer, started.upload_id, [
      data.subarray(0, 5 * MiB),
      data.subarray(5 * MiB, 10 * MiB),
      data.subarray(10 * MiB),
    ]);
    const res = await api(officer).post(`/files/multipart/${started.upload_id}/complete`, {
      parts: parts.reverse(),
    });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({
      file_size: data.length,
      mime_type: 'application/pdf',
      sha256: null,
      document_type: 'land_title',
      original_filename: 'Land title scan.pdf',
      application_id: application.id,
      file_path: started.object_name,
    });
    expect(await intentRows(started.upload_id)).toEqual([]);

    expect(await t.app.get(StorageJobs).hashPending()).toBeGreaterThanOrEqual(1);
    const [file] = await t.dataSource.query(`SELECT sha256 FROM files WHERE id = $1`, [
      res.body.id,
    ]);
    expect(file.sha256).toBe(sha256(data));
    // Finished: the upload id is no longer in progress.
    expectProblem(
      await api(officer).post(`/files/multipart/${started.upload_id}/complete`, { parts }),
      404,
    );
  });

  it('the hash job warns once about files without an object and still hashes the files behind them', async () => {
    const jobs = t.app.get(StorageJobs);
    // More rows without an object than one run takes, all older than a file that has one.
    const missing: { id: string }[] = await t.dataSource.query(
      `INSERT INTO files (filename, original_filename, file_path, file_size, mime_type,
         application_id, uploaded_by, created_at)
       SELECT 'gone.pdf', 'gone.pdf', 'applications/' || $1::text || '/root/gone-' || n || '.pdf', 10,
         'application/pdf', $1::uuid, $2::uuid, now() - interval '1 day'
       FROM generate_series(1, 25) n RETURNING id`,
      [application.id, officer.user.id],
    );
    const data = pdfOfSize(1000);
    const key = `applications/${application.id}/root/hash-me.pdf`;
    await t.storage.putBuffer(key, data);
    const [present] = await t.dataSource.query(
      `INSERT INTO files (filename, original_filename, file_path, file_size, mime_type,
         application_id, uploaded_by)
       VALUES ('hash-me.pdf', 'hash-me.pdf', $1, $2, 'application/pdf', $3, $4) RETURNING id`,
      [key, data.length, application.id, officer.user.id],
    );
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      for (let run = 0; run < 3; run += 1) await jobs.hashPending();
      const warned = warn.mock.calls.filter((call) => /no object to hash/.test(String(call[1])));
      expect(warned).toHaveLength(missing.length);
    } finally {
      warn.mockRestore();
      await t.dataSource.query(`DELETE FROM files WHERE id = ANY($1::uuid[])`, [
        missing.map((row) => row.id),
      ]);
    }
    const [file] = await t.dataSource.query(`SELECT sha256 FROM files WHERE id = $1`, [present.id]);
    expect(file.sha256).toBe(sha256(data));
    await t.dataSource.query(`DELETE FROM files WHERE id = $1`, [present.id]);
    await t.storage.delete(key);
  });

  it('refuses a complete whose parts do not add up to the declared size (422) and deletes the object', async () => {
    const declared = 10 * MiB + 100;
    const started = await start(officer, { filename: 'scan.pdf', size: declared });
    const data = pdfOfSize(10 * MiB + 200);
    const parts = await putParts(officer, started.upload_id, [
      data.subarray(0, 5 * MiB),
      data.subarray(5 * MiB, 10 * MiB),
      data.subarray(10 * MiB),
    ]);
    const res = await api(officer).post(`/files/multipart/${started.upload_id}/complete`, {
      parts,
    });
    expectProblem(res, 422, 'validation-error');
    expect(res.body.detail).toMatch(/10485960 bytes, not the 10485860 declared/);
    expect(await t.storage.head(started.object_name)).toBeUndefined();
    expect(await intentRows(started.upload_id)).toEqual([]);
  });

  it('refuses a parts list that misses a part (422) and keeps the upload open', async () => {
    const data = pdfOfSize(5 * MiB + 10);
    const started = await start(officer, { filename: 'two.pdf', size: data.length });
    const parts = await putParts(officer, started.upload_id, [
      data.subarray(0, 5 * MiB),
      data.subarray(5 * MiB),
    ]);
    const missing = await api(officer).post(`/files/multipart/${started.upload_id}/complete`, {
      parts: parts.slice(0, 1),
    });
    expectProblem(missing, 422);
    expect(missing.body.detail).toMatch(/part 2 missing/);
    expect(await intentRows(started.upload_id)).toHaveLength(1);
    const done = await api(officer).post(`/files/multipart/${started.upload_id}/complete`, {
      parts,
    });
    expectStatus(done, 201);
  });

  it('answers 415 when the assembled bytes are not an allowed type, and deletes the object', async () => {
    const data = Buffer.concat([Buffer.from([0, 1, 2, 0xff]), randomBytes(1000)]);
    const started = await start(officer, { filename: 'data.pdf', size: data.length });
    const parts = await putParts(officer, started.upload_id, [data]);
    const res = await api(officer).post(`/files/multipart/${started.upload_id}/complete`, {
      parts,
    });
    expectProblem(res, 415, 'file-type-not-allowed');
    expect(await t.storage.head(started.object_name)).toBeUndefined();
    expect(await intentRows(started.upload_id)).toEqual([]);
  });

  it("keeps other users out: parts, complete and abort of another user's upload are 404", async () => {
    const started = await start(officer, { filename: 'mine.pdf', size: 1000 });
    const path = `/files/multipart/${started.upload_id}`;
    expectProblem(await api(other).post(`${path}/parts`, { part_numbers: [1] }), 404);
    expectProblem(
      await api(other).post(`${path}/complete`, { parts: [{ part_number: 1, etag: '"x"' }] }),
      404,
    );
    expectProblem(await api(other).delete(path), 404);
    expect(await intentRows(started.upload_id)).toHaveLength(1);
    // Out of range for its own owner: 422.
    const beyond = await api(officer).post(`${path}/parts`, { part_numbers: [1, 2] });
    expectProblem(beyond, 422);
    expect(beyond.body.detail).toMatch(/1 part\(s\)/);
    expectProblem(await api(officer).post(`${path}/parts`, { part_numbers: [0] }), 422);
    expectProblem(await api(officer).post(`${path}/parts`, { part_numbers: [1, 1] }), 422);
    expectProblem(
      await api(officer).post('/files/multipart/not-a-uuid/parts', { part_numbers: [1] }),
      422,
    );
  });

  it('aborts: 204, the tracking row is gone, and a store that cannot abort is logged', async () => {
    const started = await start(officer, { filename: 'abort.pdf', size: 6 * MiB });
    await putParts(officer, started.upload_id, [pdfOfSize(5 * MiB)]);
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const res = await api(officer).delete(`/files/multipart/${started.upload_id}`);
      expectStatus(res, 204);
      if (loadState().s3.s3rver) {
        // The test S3 server answers AbortMultipartUpload with 405 (MinIO aborts for real).
        expect(warn.mock.calls.map((call) => String(call[1]))).toContainEqual(
          expect.stringMatching(/could not abort a multipart upload/),
        );
      }
    } finally {
      warn.mockRestore();
    }
    expect(await intentRows(started.upload_id)).toEqual([]);
    expect(await t.storage.head(started.object_name)).toBeUndefined();
    expectProblem(await api(officer).delete(`/files/multipart/${started.upload_id}`), 404);
  });

  it('the storage job aborts expired uploads and removes their row', async () => {
    const started = await start(officer, { filename: 'stale.pdf', size: 1000 });
    await t.dataSource.query(
      `UPDATE upload_intents SET expires_at = now() - interval '1 minute' WHERE id = $1`,
      [started.upload_id],
    );
    expectProblem(
      await api(officer).post(`/files/multipart/${started.upload_id}/parts`, { part_numbers: [1] }),
      404,
    );
    const swept = await t.app.get(StorageJobs).sweep();
    expect(swept?.multipart).toBe(1);
    expect(await intentRows(started.upload_id)).toEqual([]);
  });

  it('refuses: viewers 403, over MAX_MULTIPART_FILE_SIZE 413, bad bodies 422', async () => {
    expectProblem(await api(viewer).post('/files/multipart', { filename: 'a.pdf', size: 10 }), 403);
    const big = await api(officer).post('/files/multipart', {
      filename: 'a.pdf',
      size: MAX_MULTIPART_FILE_SIZE + 1,
    });
    expectProblem(big, 413, 'file-too-large');
    for (const body of [
      { filename: 'a.pdf' },
      { filename: 'a.pdf', size: 0 },
      { size: 10 },
      { filename: 'a.pdf', size: 10, upload_id: 'x' },
    ]) {
      expectProblem(await api(officer).post('/files/multipart', body), 422);
    }
    const started = await start(officer, { filename: 'a.pdf', size: 10 });
    expectProblem(
      await api(officer).post(`/files/multipart/${started.upload_id}/complete`, { parts: [] }),
      422,
    );
    expectProblem(
      await api(officer).post(`/files/multipart/${started.upload_id}/complete`, {
        parts: [{ part_number: 1 }],
      }),
      422,
    );
  });
});
