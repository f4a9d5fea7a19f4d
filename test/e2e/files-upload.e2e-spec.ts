import { ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Test } from 'supertest';
import {
  type ApplicationJson,
  createApplication,
  makeUnit,
  member,
  runTransitions,
  type Unit,
} from '../harness/applications-fixtures';
import { auditRows } from '../harness/audit';
import { expectProblem, expectStatus } from '../harness/expect';
import { listen } from '../harness/http';
import { waitFor } from '../harness/wait';
import type { Actor } from '../harness/identity';
import { s3ClientFor } from '../harness/s3';
import {
  sampleBinary,
  sampleCompoundFile,
  sampleDocx,
  sampleHeic,
  sampleImage,
  samplePdf,
  sampleText,
  sampleXlsx,
} from '../harness/sample-files';
import { loadState } from '../harness/state';
import { createTestApp, type TestApp } from '../harness/test-app';

const UPLOAD = '/api/v1/files/upload';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const FILE_RESPONSE_KEYS = [
  'application_id',
  'created_at',
  'display_name',
  'document_type',
  'file_path',
  'file_size',
  'filename',
  'folder_id',
  'id',
  'mime_type',
  'original_filename',
  'sha256',
  'uploaded_by',
].sort();

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

type Part =
  | { field: string; value: string }
  | { file: Buffer; filename: string; name?: string; contentType?: string; disposition?: string };

/** POST /files/upload as `actor` with `parts` in order (supertest builds the multipart body). */
function upload(t: TestApp, actor: Actor, parts: Part[], query: Record<string, string> = {}) {
  let request: Test = t.http.post(UPLOAD).set('Authorization', actor.bearer).query(query);
  for (const part of parts) {
    request =
      'field' in part
        ? request.field(part.field, part.value)
        : request.attach(part.name ?? 'file', part.file, {
            filename: part.filename,
            contentType: part.contentType ?? 'application/octet-stream',
          });
  }
  return request;
}

/** A multipart body written by hand (for bodies supertest would not send). */
function multipartBody(boundary: string, parts: Part[], close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      'field' in part
        ? `form-data; name="${part.field}"`
        : (part.disposition ??
          `form-data; name="${part.name ?? 'file'}"; filename="${part.filename}"`);
    const type = 'field' in part ? '' : 'Content-Type: application/octet-stream\r\n';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push('field' in part ? Buffer.from(part.value) : part.file, Buffer.from('\r\n'));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** Sends `head` then `body` on a raw socket; the status line of the answer (or `closed`). */
async function rawRequest(
  port: number,
  head: string,
  body: Buffer,
  options: { halfClose?: boolean } = {},
): Promise<{ status: number | 'closed'; text: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const finish = () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : 'closed', text });
    };
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      // One answer is enough: the rest of the bytes may be read as another request.
      if (/\r\n\r\n/.test(text) && /\r\n\r\n[\s\S]*\}/.test(text)) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.write(head);
    socket.write(body, () => {
      if (options.halfClose) socket.end();
    });
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

describe('POST /files/upload (direct, streamed)', () => {
  let t: TestApp;
  let s3: S3Client;
  let unit: Unit;
  let officer: Actor;
  let manager: Actor;
  let admin: Actor;
  let viewer: Actor;
  let otherOfficer: Actor;
  let app: ApplicationJson;
  let folderId: string;

  const folderOf = async (applicationId: string, name = 'borrower-documents') => {
    const [row] = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM folders WHERE application_id = $1 AND name = $2',
      [applicationId, name],
    );
    return row.id;
  };

  const objectKeys = async (): Promise<string[]> => {
    const listed = await s3.send(new ListObjectsCommand({ Bucket: t.storage.bucket }));
    return (listed.Contents ?? []).map((object) => object.Key!).sort();
  };

  const counts = async () => {
    const [row] = await t.dataSource.query<{ files: number; intents: number }[]>(
      'SELECT (SELECT count(*)::int FROM files) AS files, (SELECT count(*)::int FROM upload_intents) AS intents',
    );
    return { ...row, objects: (await objectKeys()).length };
  };

  /** Runs `act`, then checks that no object, row or intent was added. */
  const expectNothingKept = async <T>(act: () => Promise<T>): Promise<T> => {
    const before = await counts();
    const result = await act();
    expect(await counts()).toEqual({ ...before, intents: 0 });
    return result;
  };

  beforeAll(async () => {
    t = await createTestApp();
    s3 = s3ClientFor(loadState().s3);
    unit = await makeUnit(t);
    [officer, manager, admin, viewer] = await Promise.all([
      member(t, 'officer', unit),
      member(t, 'manager', unit),
      t.signIn('admin'),
      member(t, 'viewer', unit),
    ]);
    otherOfficer = await member(t, 'officer', await makeUnit(t));
    app = await createApplication(t, officer);
    folderId = await folderOf(app.id);
  });
  afterAll(async () => {
    s3?.destroy();
    await t?.close();
  });

  describe('accepts every allowed type, sniffed from the bytes', () => {
    it.each([
      ['PDF', () => samplePdf(), 'contract.pdf', 'application/pdf', '.pdf'],
      ['JPEG', () => sampleImage('jpeg'), 'photo.JPEG', 'image/jpeg', '.jpg'],
      ['PNG', () => sampleImage('png'), 'id-card.png', 'image/png', '.png'],
      ['GIF', () => sampleImage('gif'), 'stamp.gif', 'image/gif', '.gif'],
      ['WebP', () => sampleImage('webp'), 'house.webp', 'image/webp', '.webp'],
      ['HEIC', () => sampleHeic(), 'IMG_0001.HEIC', 'image/heic', '.heic'],
      [
        'DOCX',
        () => sampleDocx(),
        'letter.docx',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        '.docx',
      ],
      [
        'XLSX',
        () => sampleXlsx(),
        'cashflow.xlsx',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        '.xlsx',
      ],
      ['DOC', () => sampleCompoundFile(), 'old.doc', 'application/msword', '.doc'],
      ['XLS', () => sampleCompoundFile(), 'old.xls', 'application/vnd.ms-excel', '.xls'],
      ['text', () => sampleText(), 'notes.txt', 'text/plain', '.txt'],
    ])('%s', async (_kind, make, filename, mime, extension) => {
      const bytes = await make();
      const res = await upload(t, officer, [{ file: bytes, filename, contentType: 'image/png' }], {
        application_id: app.id,
        folder_id: folderId,
      });
      expectStatus(res, 201);
      expect(res.body).toMatchObject({
        mime_type: mime,
        sha256: sha256(bytes),
        file_size: bytes.length,
        original_filename: filename,
        application_id: app.id,
        folder_id: folderId,
        uploaded_by: officer.user.id,
        document_type: null,
      });
      const keyPattern = `^applications/${app.id}/${folderId}/${UUID}\\${extension}$`;
      expect(res.body.file_path).toMatch(new RegExp(keyPattern));
      expect(res.body.filename).toBe(res.body.file_path.split('/').pop());
      const stored = await t.storage.getStream(res.body.file_path);
      const chunks: Buffer[] = [];
      for await (const chunk of stored!.body) chunks.push(chunk as Buffer);
      expect(sha256(Buffer.concat(chunks))).toBe(sha256(bytes));
      expect(stored!.contentType).toBe(mime);
    });
  });

  it("the web app's call: query ids, one `file` part, no document type → 201 FileResponse, audited", async () => {
    const bytes = await sampleImage('jpeg', 300, 200);
    const res = await t.http
      .post(`${UPLOAD}?application_id=${app.id}&folder_id=${folderId}`)
      .set('Authorization', officer.bearer)
      .attach('file', bytes, 'borrower.jpg');
    expectStatus(res, 201);
    expect(Object.keys(res.body).sort()).toEqual(FILE_RESPONSE_KEYS);
    const [row] = await t.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM upload_intents',
    );
    expect(row.n).toBe(0);
    const [event] = await auditRows(t, { entityId: res.body.id, action: 'file.uploaded' });
    expect(event).toMatchObject({
      actor_id: officer.user.id,
      entity_type: 'file',
      branch_id: unit.branchId,
      details: { upload: 'direct', application_id: app.id, file_size: bytes.length },
    });
  });

  it('takes the target as form fields before the file; a folder brings its application', async () => {
    const res = await upload(t, officer, [
      { field: 'folder_id', value: folderId },
      { field: 'document_type', value: 'borrower_photo' },
      { file: await sampleImage('png'), filename: 'me.png' },
    ]);
    expectStatus(res, 201);
    expect(res.body).toMatchObject({
      application_id: app.id,
      folder_id: folderId,
      document_type: 'borrower_photo',
    });
  });

  it('an upload without an application goes under user-uploads/{user}/', async () => {
    const res = await upload(t, viewer, [{ file: samplePdf(), filename: 'mine.pdf' }]);
    // Viewers read only: files:write is not theirs.
    expectProblem(res, 403);
    const own = await upload(t, officer, [{ file: samplePdf(), filename: 'mine.pdf' }]);
    expectStatus(own, 201);
    expect(own.body.application_id).toBeNull();
    expect(own.body.file_path).toMatch(
      new RegExp(`^user-uploads/${officer.user.id}/${UUID}\\.pdf$`),
    );
  });

  it('names are data only: long, with a path, NUL or only dots are accepted and cleaned', async () => {
    const boundary = 'names-boundary-41c2';
    const cases: [string, string][] = [
      ['x'.repeat(10_000) + '.pdf', 'x'.repeat(255)],
      ['../../etc/passwd.pdf', 'passwd.pdf'],
      ['....', 'file.pdf'],
      // A NUL cannot stand in a header: it comes percent-encoded (RFC 5987 filename*).
      ["*=UTF-8''scan%00ned.pdf", 'scanned.pdf'],
    ];
    for (const [name, cleaned] of cases) {
      const disposition = name.startsWith('*=')
        ? `form-data; name="file"; filename${name}`
        : undefined;
      const body = multipartBody(boundary, [{ file: samplePdf(), filename: name, disposition }]);
      const res = await t.http
        .post(UPLOAD)
        .query({ application_id: app.id })
        .set('Authorization', officer.bearer)
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(body);
      expectStatus(res, 201);
      expect(res.body.original_filename).toBe(cleaned);
      expect(res.body.file_path).toMatch(new RegExp(`^applications/${app.id}/root/${UUID}\\.pdf$`));
    }
  });

  describe('refuses, keeping nothing', () => {
    it('a PDF named .png (415), binary data (415)', async () => {
      const res = await expectNothingKept(() =>
        upload(t, officer, [{ file: samplePdf(), filename: 'photo.png' }], {
          application_id: app.id,
        }),
      );
      expect(expectProblem(res, 415, 'file-type-not-allowed').detail).toMatch(
        /ends in \.png but its content is application\/pdf/,
      );
      const binary = await expectNothingKept(() =>
        upload(t, officer, [{ file: sampleBinary(), filename: 'data.bin' }]),
      );
      expectProblem(binary, 415, 'file-type-not-allowed');
    });

    it('no file part, a wrongly named part, two files, an empty file (422)', async () => {
      const noFile = await expectNothingKept(() =>
        upload(t, officer, [{ field: 'application_id', value: app.id }]),
      );
      expect(expectProblem(noFile, 422, 'validation-error').detail).toMatch(/no part named "file"/);
      const wrongName = await expectNothingKept(() =>
        upload(t, officer, [{ file: samplePdf(), filename: 'a.pdf', name: 'document' }]),
      );
      expectProblem(wrongName, 422, 'validation-error');
      const two = await expectNothingKept(() =>
        upload(t, officer, [
          { file: samplePdf(), filename: 'a.pdf' },
          { file: samplePdf(), filename: 'b.pdf' },
        ]),
      );
      expect(expectProblem(two, 422).detail).toMatch(/more than one file/);
      const empty = await expectNothingKept(() =>
        upload(t, officer, [{ file: Buffer.alloc(0), filename: 'empty.pdf' }]),
      );
      expect(expectProblem(empty, 422).detail).toMatch(/empty/);
    });

    it('a form field after the file part (422), even when the file was stored already', async () => {
      const res = await expectNothingKept(() =>
        upload(
          t,
          officer,
          [
            { file: Buffer.concat([samplePdf(), randomBytes(200_000)]), filename: 'a.pdf' },
            { field: 'document_type', value: 'land_title' },
          ],
          { application_id: app.id },
        ),
      );
      expect(expectProblem(res, 422).detail).toMatch(/comes after the file part/);
    });

    it('unknown or malformed form fields, a field disagreeing with the query, an unknown document type (422)', async () => {
      const unknown = await expectNothingKept(() =>
        upload(t, officer, [
          { field: 'owner', value: 'me' },
          { file: samplePdf(), filename: 'a.pdf' },
        ]),
      );
      expect(expectProblem(unknown, 422).errors).toEqual([
        { loc: ['form', 'owner'], msg: 'is not an allowed field', type: 'unknown_field' },
      ]);
      const malformed = await expectNothingKept(() =>
        upload(t, officer, [
          { field: 'application_id', value: 'nope' },
          { file: samplePdf(), filename: 'a.pdf' },
        ]),
      );
      expect(expectProblem(malformed, 422).errors[0].loc).toEqual(['form', 'application_id']);
      const disagreeing = await expectNothingKept(() =>
        upload(
          t,
          officer,
          [
            { field: 'application_id', value: folderId },
            { file: samplePdf(), filename: 'a.pdf' },
          ],
          { application_id: app.id },
        ),
      );
      expectProblem(disagreeing, 422);
      const badQuery = await upload(t, officer, [{ file: samplePdf(), filename: 'a.pdf' }], {
        application_id: 'x',
      });
      expectProblem(badQuery, 422);
      const badType = await expectNothingKept(() =>
        upload(t, officer, [{ file: samplePdf(), filename: 'a.pdf' }], {
          application_id: app.id,
          document_type: 'selfie',
        }),
      );
      expect(expectProblem(badType, 422).detail).toMatch(/catalog\.document_types/);
    });

    it('a body that is not multipart (415)', async () => {
      const res = await t.http
        .post(UPLOAD)
        .set('Authorization', officer.bearer)
        .set('Content-Type', 'application/pdf')
        .send(samplePdf());
      expectProblem(res, 415);
    });

    it('a folder of another application (422), a folder or application out of scope (404)', async () => {
      const second = await createApplication(t, officer);
      const secondFolder = await folderOf(second.id);
      const wrongFolder = await expectNothingKept(() =>
        upload(t, officer, [{ file: samplePdf(), filename: 'a.pdf' }], {
          application_id: app.id,
          folder_id: secondFolder,
        }),
      );
      expectProblem(wrongFolder, 422);
      const foreign = await createApplication(t, otherOfficer);
      const foreignFolder = await folderOf(foreign.id);
      const res = await expectNothingKept(() =>
        upload(t, officer, [{ file: samplePdf(), filename: 'a.pdf' }], {
          folder_id: foreignFolder,
        }),
      );
      expect(expectProblem(res, 404).detail).toBe(`Folder ${foreignFolder} was not found.`);
      const outOfScope = await expectNothingKept(() =>
        upload(t, officer, [{ file: samplePdf(), filename: 'a.pdf' }], {
          application_id: foreign.id,
        }),
      );
      expectProblem(outOfScope, 404);
    });
  });

  describe('who may upload into an application', () => {
    it("viewer 403, officer of another branch 404, the officer's own submitted application 409, a manager then 201", async () => {
      const submitted = await createApplication(t, officer);
      await runTransitions(t, submitted.id, [[officer, 'submit']]);
      const file = () => [{ file: samplePdf(), filename: 'a.pdf' }];
      const query = { application_id: submitted.id };
      expectProblem(await upload(t, viewer, file(), query), 403);
      expectProblem(await upload(t, otherOfficer, file(), query), 404);
      const locked = await expectNothingKept(() => upload(t, officer, file(), query));
      expectProblem(locked, 409, 'documents-locked');
      expectStatus(await upload(t, manager, file(), query), 201);
    });

    it('nobody once the application is approved (409)', async () => {
      const decided = await createApplication(t, officer);
      await t.ownerQuery(`UPDATE customer_applications SET status = 'approved' WHERE id = $1`, [
        decided.id,
      ]);
      for (const actor of [officer, manager, admin]) {
        const res = await expectNothingKept(() =>
          upload(t, actor, [{ file: samplePdf(), filename: 'a.pdf' }], {
            application_id: decided.id,
          }),
        );
        expect(expectProblem(res, 409, 'documents-locked').current_status).toBe('approved');
      }
    });
  });

  describe('broken bodies', () => {
    let port: number;
    const boundary = 'test-boundary-7MA4YWxkTrZu0gW';
    const head = (length: number) =>
      `POST ${UPLOAD}?application_id=${app.id} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Authorization: ${officer.bearer}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n`;
    const pdf = () => Buffer.concat([samplePdf(), randomBytes(300_000)]);

    beforeAll(async () => {
      port = await listen(t);
    });

    it('a truncated body (no closing boundary) is 400 malformed-multipart', async () => {
      const body = multipartBody(boundary, [{ file: pdf(), filename: 'a.pdf' }], false);
      const res = await expectNothingKept(() =>
        t.http
          .post(UPLOAD)
          .query({ application_id: app.id })
          .set('Authorization', officer.bearer)
          .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
          .send(body),
      );
      expectProblem(res, 400, 'malformed-multipart');
    });

    it('a Content-Length shorter than the body: 400 (the bytes after it are no request), nothing kept', async () => {
      const body = multipartBody(boundary, [{ file: pdf(), filename: 'a.pdf' }]);
      const before = await counts();
      const res = await rawRequest(port, head(body.length - 1000), body);
      expect(res.status).toBe(400);
      await waitFor(async () => (await counts()).intents === 0);
      expect(await counts()).toEqual({ ...before, intents: 0 });
    });

    it('a Content-Length longer than the body, then end of input, is 400 and keeps nothing', async () => {
      const body = multipartBody(boundary, [{ file: pdf(), filename: 'a.pdf' }]);
      const before = await counts();
      const res = await rawRequest(port, head(body.length + 5000), body, { halfClose: true });
      expect(res.status).toBe(400);
      expect(res.text).toContain('"type":"urn:lc-workflow:problem:malformed-multipart"');
      await waitFor(async () => (await counts()).intents === 0);
      expect(await counts()).toEqual({ ...before, intents: 0 });
    });

    it('a client that disconnects mid-body leaves no object, no row and no intent', async () => {
      const file = Buffer.concat([samplePdf(), randomBytes(3 * 1024 * 1024)]);
      const body = multipartBody(boundary, [{ file, filename: 'a.pdf' }]);
      const before = await counts();
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(head(body.length));
      socket.write(body.subarray(0, 1024 * 1024));
      await waitFor(async () => (await counts()).intents === 1);
      socket.destroy();
      await waitFor(async () => (await counts()).intents === 0);
      expect(await counts()).toEqual({ ...before, intents: 0 });
    });
  });

  it('a failed database write after the object is stored: a problem, no object, no intent', async () => {
    await t.ownerQuery(`
      CREATE FUNCTION refuse_marked_file() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.original_filename = 'refuse-me.pdf' THEN RAISE EXCEPTION 'refused for the test'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_marked_file BEFORE INSERT ON files
        FOR EACH ROW EXECUTE FUNCTION refuse_marked_file();`);
    try {
      const res = await expectNothingKept(() =>
        upload(t, officer, [{ file: samplePdf(), filename: 'refuse-me.pdf' }], {
          application_id: app.id,
        }),
      );
      // The server's own failure: a 500 problem document (logged), not a hang.
      expectProblem(res, 500);
    } finally {
      await t.ownerQuery('DROP TRIGGER refuse_marked_file ON files');
    }
  });
});

describe('POST /files/upload with a small MAX_FILE_SIZE', () => {
  const MAX = 100_000;
  let t: TestApp;
  let s3: S3Client;
  let officer: Actor;

  beforeAll(async () => {
    t = await createTestApp({ env: { MAX_FILE_SIZE: String(MAX) } });
    s3 = s3ClientFor(loadState().s3);
    officer = await t.signIn('officer');
  });
  afterAll(async () => {
    s3?.destroy();
    await t?.close();
  });

  const state = async () => {
    const listed = await s3.send(new ListObjectsCommand({ Bucket: t.storage.bucket }));
    const [row] = await t.dataSource.query<{ files: number; intents: number }[]>(
      'SELECT (SELECT count(*)::int FROM files) AS files, (SELECT count(*)::int FROM upload_intents) AS intents',
    );
    return { objects: listed.Contents?.length ?? 0, ...row };
  };
  const pdfOf = (size: number) => {
    const start = samplePdf();
    return Buffer.concat([start, randomBytes(size - start.length)]);
  };
  const send = (file: Buffer) =>
    t.http.post(UPLOAD).set('Authorization', officer.bearer).attach('file', file, 'big.pdf');

  it('a file of exactly the limit is accepted', async () => {
    const res = await send(pdfOf(MAX));
    expectStatus(res, 201);
    expect(res.body.file_size).toBe(MAX);
  });

  it('one byte over, found while streaming: 413 file-too-large, nothing kept', async () => {
    const before = await state();
    const res = await send(pdfOf(MAX + 1));
    expect(expectProblem(res, 413, 'file-too-large').max_file_size).toBe(MAX);
    expect(await state()).toEqual({ ...before, intents: 0 });
  });

  it('a Content-Length far over the limit: 413 before reading the body', async () => {
    const before = await state();
    const res = await send(pdfOf(MAX * 3));
    expectProblem(res, 413, 'file-too-large');
    expect(await state()).toEqual({ ...before, intents: 0 });
  });
});
