import { randomBytes, randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type { StoredFile } from '../../src/files/stored-file.entity';
import {
  type ApplicationJson,
  createApplication,
  makeUnit,
  member,
  transition,
  type Unit,
} from '../harness/applications-fixtures';
import { auditRows } from '../harness/audit';
import { binary, foldersOf, storeFile } from '../harness/documents-fixtures';
import { expectProblem, expectStatus } from '../harness/expect';
import { listen, requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { sampleImage, samplePdf, sampleText } from '../harness/sample-files';
import { createTestApp, type TestApp } from '../harness/test-app';
import { waitFor } from '../harness/wait';
import { zipEntries } from '../harness/zip-entries';

/**
 * Issue 11 item 6: GET /files/{id}/download (presigned URL, fetched for real), GET
 * /files/{id}/content (streamed, Range) and GET /applications/{id}/documents.zip (unzipped here),
 * their audit events, and who gets 404.
 */

describe('Downloads of documents', () => {
  let t: TestApp;
  let unit: Unit;
  let officer: Actor;
  let viewer: Actor;
  let manager: Actor;
  let admin: Actor;
  let outsider: Actor;
  let application: ApplicationJson;
  let pdfBytes: Buffer;
  let jpegBytes: Buffer;
  let pdf: StoredFile;
  let jpeg: StoredFile;
  let unattached: StoredFile;
  let otherApplicationFile: StoredFile;

  beforeAll(async () => {
    t = await createTestApp();
    unit = await makeUnit(t);
    const otherUnit = await makeUnit(t);
    [officer, viewer, manager, outsider, admin] = await Promise.all([
      member(t, 'officer', unit),
      member(t, 'viewer', unit),
      member(t, 'manager', unit),
      member(t, 'manager', otherUnit),
      t.signIn('admin'),
    ]);
    application = await createApplication(t, officer);
    const otherApplication = await createApplication(t, await member(t, 'officer', otherUnit));
    const borrower = (await foldersOf(t, application.id)).find(
      (folder) => folder.name === 'borrower-documents',
    )!;
    pdfBytes = samplePdf('contract of Sok Dara');
    jpegBytes = await sampleImage('jpeg', 120, 80);
    pdf = await storeFile(t, {
      uploadedBy: officer.user.id,
      applicationId: application.id,
      folderId: borrower.id,
      bytes: pdfBytes,
      name: 'contract.pdf',
      mimeType: 'application/pdf',
    });
    jpeg = await storeFile(t, {
      uploadedBy: officer.user.id,
      applicationId: application.id,
      bytes: jpegBytes,
      name: 'ID card.jpg',
      displayName: 'ID card (front)',
      mimeType: 'image/jpeg',
    });
    unattached = await storeFile(t, {
      uploadedBy: officer.user.id,
      bytes: sampleText(),
      name: 'notes.txt',
      mimeType: 'text/plain',
    });
    otherApplicationFile = await storeFile(t, {
      uploadedBy: otherApplication.user_id as string,
      applicationId: otherApplication.id,
      bytes: samplePdf(),
      name: 'other.pdf',
      mimeType: 'application/pdf',
    });
  });

  afterAll(() => t?.close());

  describe('GET /files/{id}/download', () => {
    it('gives a presigned URL that serves the same bytes, usable as an <img src>', async () => {
      const res = await requestsAs(t, officer).get(`/files/${jpeg.id}/download`);
      expectStatus(res, 200);
      expect(res.body).toEqual({ download_url: expect.any(String), expires_in: 300 });
      expect(Object.keys(res.body)).toEqual(['download_url', 'expires_in']);

      // No Authorization: the URL alone is the permission, as an <img src> uses it.
      const fetchedImage = await fetch(res.body.download_url as string);
      expect(fetchedImage.status).toBe(200);
      expect(fetchedImage.headers.get('content-type')).toBe('image/jpeg');
      expect(fetchedImage.headers.get('content-disposition')).toMatch(
        /^attachment; filename="ID card _front_\.jpg"/,
      );
      expect(Buffer.from(await fetchedImage.arrayBuffer())).toEqual(jpegBytes);

      const [event] = await auditRows(t, { entityId: jpeg.id, action: 'file.downloaded' });
      expect(event).toMatchObject({
        actor_id: officer.user.id,
        entity_type: 'file',
        branch_id: unit.branchId,
        department_id: unit.departmentId,
        details: { via: 'url', application_id: application.id },
      });
    });

    it('refuses a tampered URL at the store', async () => {
      const res = await requestsAs(t, viewer).get(`/files/${pdf.id}/download`);
      expectStatus(res, 200);
      const url = new URL(res.body.download_url as string);
      url.pathname = url.pathname.replace(/\.pdf$/, '.jpg');
      expect((await fetch(url)).status).toBe(403);
    });
  });

  describe('GET /files/{id}/content', () => {
    it('streams the whole file with its type, length, name and nosniff; audited', async () => {
      const res = await binary(requestsAs(t, viewer).get(`/files/${pdf.id}/content`));
      expectStatus(res, 200);
      expect(res.body).toEqual(pdfBytes);
      expect(res.headers).toMatchObject({
        'content-type': 'application/pdf',
        'content-length': String(pdfBytes.length),
        'x-content-type-options': 'nosniff',
        'accept-ranges': 'bytes',
        'content-disposition': `attachment; filename="contract.pdf"; filename*=UTF-8''contract.pdf`,
      });
      expect(res.headers.etag).toBeUndefined();
      const events = await auditRows(t, { entityId: pdf.id, action: 'file.downloaded' });
      expect(events.at(-1)).toMatchObject({
        actor_id: viewer.user.id,
        branch_id: unit.branchId,
        details: { via: 'content', application_id: application.id },
      });
    });

    it('sends text as UTF-8 to its uploader, under its name', async () => {
      const res = await binary(requestsAs(t, officer).get(`/files/${unattached.id}/content`));
      expectStatus(res, 200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toEqual(sampleText());
      const [event] = await auditRows(t, { entityId: unattached.id, action: 'file.downloaded' });
      expect(event).toMatchObject({ branch_id: null, details: { application_id: null } });
    });

    it.each([
      ['bytes=5-14', 5, 14],
      ['bytes=10-', 10, -1],
      ['bytes=-7', -7, -1],
      ['bytes=0-999999', 0, -1],
    ])('answers Range %s with 206 and that part', async (range, from, to) => {
      const size = pdfBytes.length;
      const start = from < 0 ? size + from : from;
      const end = to < 0 ? size - 1 : to;
      const res = await binary(
        requestsAs(t, officer).get(`/files/${pdf.id}/content`, undefined, { Range: range }),
      );
      expectStatus(res, 206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.body).toEqual(pdfBytes.subarray(start, end + 1));
      const events = await auditRows(t, { entityId: pdf.id, action: 'file.downloaded' });
      expect(events.at(-1)?.details).toMatchObject({ via: 'content', range: `${start}-${end}` });
    });

    it('answers HEAD with the headers alone: no object read, no audit event', async () => {
      const before = await auditRows(t, { entityId: pdf.id, action: 'file.downloaded' });
      const read = jest.spyOn(t.storage, 'getStream');
      try {
        const api = requestsAs(t, officer);
        const whole = await api.send('head', `/files/${pdf.id}/content`);
        expectStatus(whole, 200);
        expect(whole.headers).toMatchObject({
          'content-type': 'application/pdf',
          'content-length': String(pdfBytes.length),
          'accept-ranges': 'bytes',
        });
        const part = await api.send('head', `/files/${pdf.id}/content`, undefined, {
          Range: 'bytes=5-14',
        });
        expectStatus(part, 206);
        expect(part.headers['content-length']).toBe('10');
        expect(read).not.toHaveBeenCalled();
      } finally {
        read.mockRestore();
      }
      expect(await auditRows(t, { entityId: pdf.id, action: 'file.downloaded' })).toHaveLength(
        before.length,
      );
    });

    it('answers a range past the end with 416 and the size', async () => {
      const res = await requestsAs(t, officer).get(`/files/${pdf.id}/content`, undefined, {
        Range: `bytes=${pdfBytes.length}-`,
      });
      expectProblem(res, 416);
      expect(res.headers['content-range']).toBe(`bytes */${pdfBytes.length}`);
      expect(res.body.detail).toContain(`${pdfBytes.length} bytes`);
      expect(res.headers['content-disposition']).toBeUndefined();
    });

    it.each(['bytes=abc', 'bytes=0-1,4-5', 'lines=1-2', 'bytes=9-3'])(
      'ignores the Range %s it does not serve: 200 with the whole file',
      async (range) => {
        const res = await binary(
          requestsAs(t, officer).get(`/files/${pdf.id}/content`, undefined, { Range: range }),
        );
        expectStatus(res, 200);
        expect(res.headers['content-range']).toBeUndefined();
        expect(res.body).toEqual(pdfBytes);
      },
    );

    it('cuts the connection when storage fails half-way (no hang, no 200 body passed off)', async () => {
      const body = new PassThrough();
      const spy = jest
        .spyOn(t.storage, 'getStream')
        .mockResolvedValueOnce({ body, size: pdfBytes.length });
      try {
        body.write(pdfBytes.subarray(0, 10));
        setTimeout(() => body.destroy(new Error('storage went away')), 50);
        await expect(
          binary(requestsAs(t, officer).get(`/files/${pdf.id}/content`)),
        ).rejects.toThrow();
      } finally {
        spy.mockRestore();
      }
    });

    it("lets go of the object's stream when the client leaves mid-download", async () => {
      const big = await storeFile(t, {
        uploadedBy: officer.user.id,
        applicationId: application.id,
        bytes: Buffer.concat([samplePdf(), randomBytes(8 * 1024 * 1024)]),
        name: 'large scan.pdf',
        mimeType: 'application/pdf',
      });
      const getStream = t.storage.getStream.bind(t.storage);
      let objectBody: Readable | undefined;
      const spy = jest.spyOn(t.storage, 'getStream').mockImplementation(async (...args) => {
        const object = await getStream(...args);
        objectBody = object?.body;
        return object;
      });
      try {
        const port = await listen(t);
        await new Promise<void>((resolve, reject) => {
          const req = httpGet(
            {
              host: '127.0.0.1',
              port,
              path: `/api/v1/files/${big.id}/content`,
              headers: { Authorization: officer.bearer },
            },
            (res) => {
              expect(res.statusCode).toBe(200);
              res.once('data', () => {
                req.destroy();
                resolve();
              });
            },
          );
          req.on('error', () => undefined);
          setTimeout(() => reject(new Error('no bytes came')), 10_000).unref();
        });
        await waitFor(() => objectBody?.destroyed === true);
      } finally {
        spy.mockRestore();
      }
      // The server goes on serving.
      expectStatus(await binary(requestsAs(t, officer).get(`/files/${pdf.id}/content`)), 200);
    });

    it('answers 404 with a readable detail when the object is missing', async () => {
      const ghost = await storeFile(t, {
        uploadedBy: officer.user.id,
        bytes: samplePdf(),
        name: 'ghost.pdf',
        mimeType: 'application/pdf',
        withoutObject: true,
      });
      const res = await requestsAs(t, officer).get(`/files/${ghost.id}/content`);
      expect(expectProblem(res, 404).detail).toContain('missing from the document storage');
    });
  });

  describe('GET /applications/{id}/documents.zip', () => {
    it('streams every document under its folder, names made unique; audited once', async () => {
      const twin = async (bytes: Buffer) =>
        storeFile(t, {
          uploadedBy: officer.user.id,
          applicationId: zipped.id,
          bytes,
          name: 'a.pdf',
          mimeType: 'application/pdf',
        });
      const zipped = await createApplication(t, officer);
      const guarantor = (await foldersOf(t, zipped.id)).find(
        (folder) => folder.name === 'guarantor-documents',
      )!;
      const first = await twin(samplePdf('first'));
      const second = await twin(samplePdf('second'));
      const inFolder = await storeFile(t, {
        uploadedBy: officer.user.id,
        applicationId: zipped.id,
        folderId: guarantor.id,
        bytes: jpegBytes,
        name: 'photo.jpg',
        mimeType: 'image/jpeg',
      });
      const notes = await storeFile(t, {
        uploadedBy: officer.user.id,
        applicationId: zipped.id,
        bytes: Buffer.from('notes '.repeat(500)),
        name: 'notes.txt',
        mimeType: 'text/plain',
      });

      const res = await binary(
        requestsAs(t, viewer).get(`/applications/${zipped.id}/documents.zip`),
      );
      expectStatus(res, 200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toContain(
        `filename="application-${zipped.id}-documents.zip"`,
      );
      const entries = zipEntries(res.body as Buffer);
      expect(entries.map((entry) => entry.name)).toEqual([
        'a.pdf',
        'a (2).pdf',
        'guarantor-documents/photo.jpg',
        'notes.txt',
      ]);
      expect(entries[0].data).toEqual(samplePdf('first'));
      expect(entries[1].data).toEqual(samplePdf('second'));
      expect(entries[2].data).toEqual(jpegBytes);
      expect(entries[2].method).toBe(0);
      expect(entries[3].method).toBe(8);
      expect(entries[3].data.toString()).toBe('notes '.repeat(500));

      const events = await auditRows(t, { entityId: zipped.id });
      const downloaded = events.filter((e) => e.action === 'application.documents_downloaded');
      expect(downloaded).toHaveLength(1);
      expect(downloaded[0]).toMatchObject({
        actor_id: viewer.user.id,
        entity_type: 'application',
        branch_id: unit.branchId,
        details: {
          file_count: 4,
          file_ids: [first.id, second.id, inFolder.id, notes.id],
        },
      });
    });

    it('cuts the connection when an object is missing half-way (no hang, no whole ZIP)', async () => {
      const broken = await createApplication(t, officer);
      for (const withoutObject of [false, true]) {
        await storeFile(t, {
          uploadedBy: officer.user.id,
          applicationId: broken.id,
          bytes: samplePdf(),
          name: 'part.pdf',
          mimeType: 'application/pdf',
          withoutObject,
        });
      }
      await expect(
        binary(requestsAs(t, officer).get(`/applications/${broken.id}/documents.zip`)),
      ).rejects.toThrow();
    });

    it('answers HEAD after the access check alone: nothing read, not audited', async () => {
      const action = 'application.documents_downloaded';
      const before = await auditRows(t, { entityId: application.id, action });
      const read = jest.spyOn(t.storage, 'getStream');
      try {
        const res = await requestsAs(t, viewer).send(
          'head',
          `/applications/${application.id}/documents.zip`,
        );
        expectStatus(res, 200);
        expect(res.headers['content-type']).toBe('application/zip');
        expect(read).not.toHaveBeenCalled();
        expectStatus(
          await requestsAs(t, outsider).send(
            'head',
            `/applications/${application.id}/documents.zip`,
          ),
          404,
        );
      } finally {
        read.mockRestore();
      }
      expect(await auditRows(t, { entityId: application.id, action })).toHaveLength(before.length);
    });

    it('gives a valid empty ZIP for an application without documents', async () => {
      const empty = await createApplication(t, officer);
      const res = await binary(
        requestsAs(t, manager).get(`/applications/${empty.id}/documents.zip`),
      );
      expectStatus(res, 200);
      expect(zipEntries(res.body as Buffer)).toEqual([]);
      const [event] = await auditRows(t, {
        entityId: empty.id,
        action: 'application.documents_downloaded',
      });
      expect(event.details).toEqual({ file_count: 0, file_ids: [] });
    });

    it('still serves the documents of a decided (withdrawn) application: they are evidence', async () => {
      const decided = await createApplication(t, officer);
      const kept = await storeFile(t, {
        uploadedBy: officer.user.id,
        applicationId: decided.id,
        bytes: pdfBytes,
        name: 'kept.pdf',
        mimeType: 'application/pdf',
      });
      expectStatus(
        await transition(t, officer, decided.id, 'withdraw', { reason: 'No longer needed' }),
        200,
      );
      const zip = await binary(
        requestsAs(t, officer).get(`/applications/${decided.id}/documents.zip`),
      );
      expectStatus(zip, 200);
      expect(zipEntries(zip.body as Buffer).map((entry) => entry.name)).toEqual(['kept.pdf']);
      expectStatus(await requestsAs(t, officer).get(`/files/${kept.id}/download`), 200);
    });
  });

  describe('who gets what', () => {
    const routes = (fileId: string, applicationId: string) => [
      `/files/${fileId}/download`,
      `/files/${fileId}/content`,
      `/files/${fileId}/thumbnail`,
      `/applications/${applicationId}/documents.zip`,
    ];

    it('out of scope is 404 on all four routes, and nothing is audited', async () => {
      for (const path of routes(otherApplicationFile.id, otherApplicationFile.applicationId!)) {
        const res = await requestsAs(t, officer).get(path);
        expectProblem(res, 404);
        expect(res.body.detail).not.toContain('other.pdf');
      }
      expect(await auditRows(t, { entityId: otherApplicationFile.id })).toEqual([]);
    });

    it("another branch's manager gets 404 for this branch's documents", async () => {
      for (const path of routes(jpeg.id, application.id)) {
        expectProblem(await requestsAs(t, outsider).get(path), 404);
      }
    });

    it("an unattached file is its uploader's and the admins': others get 404", async () => {
      for (const path of routes(unattached.id, application.id).slice(0, 2)) {
        expectProblem(await requestsAs(t, manager).get(path), 404);
        expectProblem(await requestsAs(t, viewer).get(path), 404);
        expectStatus(await binary(requestsAs(t, officer).get(path)), 200);
        expectStatus(await binary(requestsAs(t, admin).get(path)), 200);
      }
    });

    it('a viewer in scope reads every route', async () => {
      for (const path of routes(jpeg.id, application.id)) {
        expectStatus(await binary(requestsAs(t, viewer).get(path)), 200);
      }
    });

    it('an unknown id is 404, a malformed one 422, no token 401', async () => {
      for (const path of routes(randomUUID(), randomUUID())) {
        expectProblem(await requestsAs(t, admin).get(path), 404);
      }
      for (const path of routes('not-a-uuid', 'not-a-uuid')) {
        expectProblem(await requestsAs(t, admin).get(path), 422, 'validation-error');
      }
      for (const path of routes(pdf.id, application.id)) {
        expectProblem(await requestsAs(t, null).get(path), 401);
      }
    });
  });
});
