/**
 * Presigned uploads (issue 11 item 4): POST /files/upload-url, a real `fetch` PUT to the URL the
 * S3 server checks, then POST /files/finalize — and every refusal, with what is left in storage.
 */
import { createHash } from 'node:crypto';
import {
  type ApplicationJson,
  createApplication,
  makeUnit,
  member,
  transition,
  type Unit,
} from '../harness/applications-fixtures';
import { expectProblem, expectStatus } from '../harness/expect';
import { requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { samplePdf, sampleImage } from '../harness/sample-files';
import { createTestApp, type TestApp } from '../harness/test-app';

const MAX_FILE_SIZE = 256 * 1024;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** PUT `body` to a presigned URL as a browser would (with `headers`); the store's status. */
async function putTo(url: string, body: Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'PUT', body, headers });
  await res.arrayBuffer();
  return res.status;
}

describe('presigned uploads: POST /files/upload-url, PUT, POST /files/finalize', () => {
  let t: TestApp;
  let unit: Unit;
  let officer: Actor;
  let otherOfficer: Actor;
  let manager: Actor;
  let viewer: Actor;
  let outsider: Actor;
  let application: ApplicationJson;

  beforeAll(async () => {
    t = await createTestApp({ env: { MAX_FILE_SIZE: String(MAX_FILE_SIZE) } });
    unit = await makeUnit(t);
    const elsewhere = await makeUnit(t);
    [officer, otherOfficer, manager, viewer, outsider] = await Promise.all([
      member(t, 'officer', unit),
      member(t, 'officer', unit),
      member(t, 'manager', unit),
      member(t, 'viewer', unit),
      member(t, 'manager', elsewhere),
    ]);
    application = await createApplication(t, officer);
  });
  afterAll(() => t?.close());

  const api = (actor: Actor) => requestsAs(t, actor);
  const intentCount = async (key: string) =>
    (await t.dataSource.query(`SELECT 1 FROM upload_intents WHERE object_key = $1`, [key])).length;

  async function uploadUrl(actor: Actor, body: Record<string, unknown>) {
    const res = await api(actor).post('/files/upload-url', body);
    expectStatus(res, 201);
    return res.body as { object_name: string; upload_url: string; expires_in: number };
  }

  it('hands out a key bound to the caller and target, takes a PUT of the signed length and records the file', async () => {
    const pdf = samplePdf('presigned happy path');
    const url = await uploadUrl(officer, {
      filename: 'Land title.PDF',
      size: pdf.length,
      content_type: 'application/pdf',
      application_id: application.id,
      document_type: '',
    });
    expect(url.object_name).toMatch(
      new RegExp(`^applications/${application.id}/root/[0-9a-f-]{36}\\.pdf$`),
    );
    expect(url.expires_in).toBe(3600);
    expect(new URL(url.upload_url).searchParams.get('X-Amz-SignedHeaders')).toMatch(
      /content-length/,
    );
    const [intent] = await t.dataSource.query(
      `SELECT kind, user_id, application_id, expected_size, expires_at FROM upload_intents WHERE object_key = $1`,
      [url.object_name],
    );
    expect(intent).toMatchObject({
      kind: 'presigned',
      user_id: officer.user.id,
      application_id: application.id,
      expected_size: String(pdf.length),
    });

    expect(await putTo(url.upload_url, pdf, { 'Content-Type': 'application/pdf' })).toBe(200);
    const res = await api(officer).post('/files/finalize', {
      object_name: url.object_name,
      original_filename: '../Land title.PDF',
      application_id: application.id,
    });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({
      original_filename: 'Land title.PDF',
      file_size: pdf.length,
      mime_type: 'application/pdf',
      sha256: sha256(pdf),
      file_path: url.object_name,
      application_id: application.id,
      folder_id: null,
      uploaded_by: officer.user.id,
    });
    expect(await intentCount(url.object_name)).toBe(0);
    const [audit] = await t.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'file.uploaded' AND entity_id = $1`,
      [res.body.id],
    );
    expect(audit.details).toMatchObject({ upload: 'presigned', file_size: pdf.length });

    // Once only: again is 409, and the file stays.
    const again = await api(officer).post('/files/finalize', {
      object_name: url.object_name,
      original_filename: 'x.pdf',
    });
    expectProblem(again, 409, 'upload-already-finalized');
    expect(await t.storage.head(url.object_name)).toMatchObject({ size: pdf.length });
    // Someone else finalizing the same (recorded) key learns nothing: 404.
    expectProblem(
      await api(otherOfficer).post('/files/finalize', {
        object_name: url.object_name,
        original_filename: 'x.pdf',
      }),
      404,
    );
  });

  it('finalizes a key once when two finalize requests race: one 201, the other 409, the object kept', async () => {
    const pdf = samplePdf('race');
    const url = await uploadUrl(officer, { filename: 'race.pdf' });
    expect(await putTo(url.upload_url, pdf)).toBe(200);
    const body = { object_name: url.object_name, original_filename: 'race.pdf' };
    const answers = await Promise.all([
      api(officer).post('/files/finalize', body),
      api(officer).post('/files/finalize', body),
    ]);
    expect(answers.map((res) => res.status).sort()).toEqual([201, 409]);
    expectProblem(
      answers.find((res) => res.status === 409)!,
      409,
    );
    expect(await t.storage.head(url.object_name)).toMatchObject({ size: pdf.length });
    const rows = await t.dataSource.query(`SELECT 1 FROM files WHERE file_path = $1`, [
      url.object_name,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('refuses a PUT of another length than the signed one (the store checks it), then finalize says nothing was uploaded', async () => {
    const image = await sampleImage('png');
    const url = await uploadUrl(officer, { filename: 'photo.png', size: image.length });
    expect(url.object_name).toMatch(new RegExp(`^user-uploads/${officer.user.id}/.+\\.png$`));
    expect(await putTo(url.upload_url, Buffer.concat([image, Buffer.from('more')]))).toBe(403);
    expect(await putTo(url.upload_url, image.subarray(0, image.length - 1))).toBe(403);
    expect(await t.storage.head(url.object_name)).toBeUndefined();
    const res = await api(officer).post('/files/finalize', {
      object_name: url.object_name,
      original_filename: 'photo.png',
    });
    expectProblem(res, 422, 'validation-error');
    expect(res.body.detail).toMatch(/Nothing was uploaded/);
    // The key stays usable: the right length goes through.
    expect(await intentCount(url.object_name)).toBe(1);
    expect(await putTo(url.upload_url, image)).toBe(200);
    const done = await api(officer).post('/files/finalize', {
      object_name: url.object_name,
      original_filename: 'photo.png',
    });
    expectStatus(done, 201);
    expect(done.body).toMatchObject({ mime_type: 'image/png', application_id: null });
  });

  it("finalize of another user's key is 404 (and leaves it to its owner); an unknown key is 404", async () => {
    const pdf = samplePdf('not yours');
    const url = await uploadUrl(officer, { filename: 'a.pdf', application_id: application.id });
    expect(await putTo(url.upload_url, pdf)).toBe(200);
    for (const actor of [otherOfficer, manager]) {
      expectProblem(
        await api(actor).post('/files/finalize', {
          object_name: url.object_name,
          original_filename: 'a.pdf',
        }),
        404,
      );
    }
    expectProblem(
      await api(officer).post('/files/finalize', {
        object_name: `user-uploads/${officer.user.id}/00000000-0000-0000-0000-000000000000.pdf`,
        original_filename: 'a.pdf',
      }),
      404,
    );
    expect(await intentCount(url.object_name)).toBe(1);
    expect(await t.storage.head(url.object_name)).toBeDefined();
  });

  it('refuses finalize ids other than the bound ones (422) and keeps the key', async () => {
    const other = await createApplication(t, officer);
    const url = await uploadUrl(officer, {
      filename: 'a.pdf',
      application_id: application.id,
      document_type: 'land_title',
    });
    expect(await putTo(url.upload_url, samplePdf())).toBe(200);
    const res = await api(officer).post('/files/finalize', {
      object_name: url.object_name,
      original_filename: 'a.pdf',
      application_id: other.id,
      folder_id: other.id,
      document_type: 'passport',
    });
    expectProblem(res, 422, 'validation-error');
    expect(res.body.errors.map((e: { loc: string[] }) => e.loc.join('.'))).toEqual([
      'body.application_id',
      'body.folder_id',
      'body.document_type',
    ]);
    expect(await intentCount(url.object_name)).toBe(1);
    const done = await api(officer).post('/files/finalize', {
      object_name: url.object_name,
      original_filename: 'a.pdf',
      application_id: application.id,
    });
    expectStatus(done, 201);
    expect(done.body.document_type).toBe('land_title');
  });

  it('answers 415 for a PDF named .png and deletes the object and its key', async () => {
    const url = await uploadUrl(officer, { filename: 'photo.png' });
    expect(await putTo(url.upload_url, samplePdf('disguised'))).toBe(200);
    const res = await api(officer).post('/files/finalize', {
      object_name: url.object_name,
      original_filename: 'photo.png',
    });
    expectProblem(res, 415, 'file-type-not-allowed');
    expect(res.body.detail).toMatch(/\.png/);
    expect(await t.storage.head(url.object_name)).toBeUndefined();
    expect(await intentCount(url.object_name)).toBe(0);
    // The key is spent.
    expectProblem(
      await api(officer).post('/files/finalize', {
        object_name: url.object_name,
        original_filename: 'photo.pdf',
      }),
      404,
    );
  });

  it('answers 415 when the name is changed at finalize to fit the content but the key was made for another type', async () => {
    const url = await uploadUrl(officer, { filename: 'photo.png' });
    expect(await putTo(url.upload_url, samplePdf('renamed'))).toBe(200);
    const res = await api(officer).post('/files/finalize', {
      object_name: url.object_name,
      original_filename: 'scan.pdf',
    });
    expectProblem(res, 415, 'file-type-not-allowed');
    expect(await t.storage.head(url.object_name)).toBeUndefined();
  });

  it('answers 413 for a declared size over MAX_FILE_SIZE, and at finalize for an unsized PUT over it (object deleted)', async () => {
    const declared = await api(officer).post('/files/upload-url', {
      filename: 'big.pdf',
      size: MAX_FILE_SIZE + 1,
    });
    expectProblem(declared, 413, 'file-too-large');
    expect(declared.body.detail).toMatch(String(MAX_FILE_SIZE));

    const url = await uploadUrl(officer, { filename: 'big.pdf' });
    const big = Buffer.concat([samplePdf(), Buffer.alloc(MAX_FILE_SIZE, 0x20)]);
    expect(await putTo(url.upload_url, big)).toBe(200);
    const res = await api(officer).post('/files/finalize', {
      object_name: url.object_name,
      original_filename: 'big.pdf',
    });
    expectProblem(res, 413, 'file-too-large');
    expect(await t.storage.head(url.object_name)).toBeUndefined();
    expect(await intentCount(url.object_name)).toBe(0);
  });

  it('checks who may upload where: viewers 403, another branch or officer 404, a decided application 409', async () => {
    expectProblem(await api(viewer).post('/files/upload-url', { filename: 'a.pdf' }), 403);
    expectProblem(
      await api(outsider).post('/files/upload-url', {
        filename: 'a.pdf',
        application_id: application.id,
      }),
      404,
    );
    // Officers see only their own applications: another officer's is out of scope.
    expectProblem(
      await api(otherOfficer).post('/files/upload-url', {
        filename: 'a.pdf',
        application_id: application.id,
      }),
      404,
    );
    const decided = await createApplication(t, officer);
    const url = await uploadUrl(officer, { filename: 'a.pdf', application_id: decided.id });
    expect(await putTo(url.upload_url, samplePdf())).toBe(200);
    expectStatus(
      await transition(t, officer, decided.id, 'withdraw', { reason: 'no longer' }),
      200,
    );
    expectProblem(
      await api(manager).post('/files/upload-url', {
        filename: 'a.pdf',
        application_id: decided.id,
      }),
      409,
      'documents-locked',
    );
    // Decided between the URL and finalize: refused, and the object is gone.
    const late = await api(officer).post('/files/finalize', {
      object_name: url.object_name,
      original_filename: 'a.pdf',
    });
    expectProblem(late, 409, 'documents-locked');
    expect(await t.storage.head(url.object_name)).toBeUndefined();
    expect(await intentCount(url.object_name)).toBe(0);
  });

  it('refuses bad input with 422 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'body.filename'],
      [{ filename: 'a.pdf', size: 0 }, 'body.size'],
      [{ filename: 'a.pdf', size: '12' }, 'body.size'],
      [{ filename: 'a.pdf', application_id: 'nope' }, 'body.application_id'],
      [{ filename: 'a.pdf', content_type: 'not a type' }, 'body.content_type'],
      [{ filename: 'a.pdf', bucket: 'other' }, 'body.bucket'],
      [{ filename: 'a.pdf', document_type: 'unknown_type' }, 'document_type'],
    ];
    for (const [body, loc] of cases) {
      const res = await api(officer).post('/files/upload-url', body);
      expectProblem(res, 422);
      expect(res.body.errors.map((e: { loc: string[] }) => e.loc.join('.'))).toContain(loc);
    }
    const finalize = await api(officer).post('/files/finalize', { object_name: 'x' });
    expectProblem(finalize, 422);
    // A long, odd name is accepted and cleaned (data only, never part of the key).
    const url = await uploadUrl(officer, { filename: `${'../'.repeat(3000)}\u0000..` });
    expect(url.object_name).toMatch(new RegExp(`^user-uploads/${officer.user.id}/[0-9a-f-]{36}$`));
  });
});
