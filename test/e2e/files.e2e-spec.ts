import { ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { thumbnailKey } from '../../src/files/object-keys';
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
import { pageIds, requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { s3ClientFor } from '../harness/s3';
import { sampleImage, samplePdf, sampleText } from '../harness/sample-files';
import { loadState } from '../harness/state';
import { createTestApp, type TestApp } from '../harness/test-app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FileJson = Record<string, any>;

describe('Files: list, read, rename/retype/move, delete', () => {
  let t: TestApp;
  let s3: S3Client;
  let unit: Unit;
  let officer: Actor;
  let officer2: Actor;
  let manager: Actor;
  let admin: Actor;
  let viewer: Actor;
  let foreignOfficer: Actor;
  let app: ApplicationJson;
  let folders: Record<string, string>;

  const foldersOf = async (applicationId: string): Promise<Record<string, string>> => {
    const rows = await t.dataSource.query<{ id: string; name: string }[]>(
      'SELECT id, name FROM folders WHERE application_id = $1',
      [applicationId],
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.id]));
  };

  /** Uploads through POST /files/upload (with `query`) as `actor`; the FileResponse. */
  const uploadAs = async (
    actor: Actor,
    query: Record<string, string>,
    filename = 'scan.pdf',
    bytes: Buffer = samplePdf(),
  ): Promise<FileJson> => {
    const res = await t.http
      .post('/api/v1/files/upload')
      .query(query)
      .set('Authorization', actor.bearer)
      .attach('file', bytes, filename);
    expectStatus(res, 201);
    return res.body as FileJson;
  };

  const objectKeys = async (): Promise<string[]> => {
    const listed = await s3.send(new ListObjectsCommand({ Bucket: t.storage.bucket }));
    return (listed.Contents ?? []).map((object) => object.Key!);
  };

  const setStatus = (applicationId: string, status: string) =>
    t.ownerQuery('UPDATE customer_applications SET status = $2 WHERE id = $1', [
      applicationId,
      status,
    ]);

  beforeAll(async () => {
    t = await createTestApp();
    s3 = s3ClientFor(loadState().s3);
    unit = await makeUnit(t);
    [officer, officer2, manager, admin, viewer] = await Promise.all([
      member(t, 'officer', unit),
      member(t, 'officer', unit),
      member(t, 'manager', unit),
      t.signIn('admin'),
      member(t, 'viewer', unit),
    ]);
    foreignOfficer = await member(t, 'officer', await makeUnit(t));
    app = await createApplication(t, officer);
    folders = await foldersOf(app.id);
  });
  afterAll(async () => {
    s3?.destroy();
    await t?.close();
  });

  it('OpenAPI: the upload is multipart/form-data with a binary `file`; who may do what is said', async () => {
    const res = await t.http.get('/docs-json');
    expectStatus(res, 200);
    const paths = res.body.paths;
    const upload = paths['/api/v1/files/upload'].post;
    const form = upload.requestBody.content['multipart/form-data'].schema;
    expect(form.properties.file).toEqual({ type: 'string', format: 'binary' });
    expect(form.required).toEqual(['file']);
    expect(upload.description).toMatch(/Who may/);
    expect(paths['/api/v1/files/{id}'].patch.description).toMatch(/Who may/);
    expect(paths['/api/v1/files/{id}'].delete.description).toMatch(
      /while a draft or in a review stage/,
    );
  });

  describe('GET /files', () => {
    let photo: FileJson;
    let title: FileJson;
    let loose: FileJson;
    let foreign: FileJson;
    let mine: FileJson;

    beforeAll(async () => {
      photo = await uploadAs(
        officer,
        { folder_id: folders['borrower-documents'], document_type: 'borrower_photo' },
        'Dara 100%_photo.jpg',
        await sampleImage('jpeg'),
      );
      title = await uploadAs(
        officer,
        { folder_id: folders['collateral-documents'], document_type: 'land_title' },
        'land-title.pdf',
      );
      loose = await uploadAs(officer, { application_id: app.id }, 'notes.txt', sampleText());
      const foreignApp = await createApplication(t, foreignOfficer);
      foreign = await uploadAs(foreignOfficer, { application_id: foreignApp.id });
      mine = await uploadAs(officer2, {}, 'private.pdf');
    });

    it("the web app's call: ?page=1&size=100&application_id= → the envelope with items, newest first", async () => {
      const res = await requestsAs(t, officer).get('/files', {
        page: 1,
        size: 100,
        application_id: app.id,
      });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ total: 3, page: 1, size: 100, pages: 1 });
      expect(pageIds(res)).toEqual([loose.id, title.id, photo.id]);
      expect(res.body.items[0]).toEqual(loose);
    });

    it('filters by folder, document type and search (LIKE characters match themselves)', async () => {
      const api = requestsAs(t, officer);
      const ids = async (query: Record<string, string>) => {
        const res = await api.get('/files', query);
        expectStatus(res, 200);
        return pageIds(res);
      };
      expect(await ids({ folder_id: folders['collateral-documents'] })).toEqual([title.id]);
      expect(await ids({ document_type: 'borrower_photo' })).toEqual([photo.id]);
      expect(await ids({ search: 'LAND' })).toEqual([title.id]);
      expect(await ids({ search: '100%_' })).toEqual([photo.id]);
      expect(await ids({ search: '0%' })).toEqual([photo.id]);
      expect(await ids({ search: '_' })).toEqual([photo.id]);
      expectProblem(await api.get('/files', { folder_id: 'nope' }), 422);
    });

    it('scope: other officers see none of them; an unattached upload only its uploader and admins', async () => {
      const listed = async (actor: Actor) => {
        const res = await requestsAs(t, actor).get('/files', { size: 100 });
        expectStatus(res, 200);
        return pageIds(res);
      };
      const officerSees = await listed(officer);
      expect(officerSees).toEqual(expect.arrayContaining([photo.id, title.id, loose.id]));
      expect(officerSees).not.toContain(foreign.id);
      expect(officerSees).not.toContain(mine.id);
      // Officers see their own applications: officer2 only their own upload.
      expect(await listed(officer2)).toEqual([mine.id]);
      const foreignSees = await listed(foreignOfficer);
      expect(foreignSees).toEqual([foreign.id]);
      expect(await listed(manager)).not.toContain(mine.id);
      expect(await listed(admin)).toEqual(
        expect.arrayContaining([photo.id, title.id, loose.id, foreign.id, mine.id]),
      );
      expect(await listed(viewer)).toEqual(expect.arrayContaining([photo.id, title.id]));
    });

    it('GET /files/{id}: in scope 200; out of scope, unattached of another user, missing: 404', async () => {
      const res = await requestsAs(t, viewer).get(`/files/${photo.id}`);
      expectStatus(res, 200);
      expect(res.body).toEqual(photo);
      expectProblem(await requestsAs(t, foreignOfficer).get(`/files/${photo.id}`), 404);
      expectProblem(await requestsAs(t, officer).get(`/files/${mine.id}`), 404);
      expectStatus(await requestsAs(t, admin).get(`/files/${mine.id}`), 200);
      const missing = randomUUID();
      expect(expectProblem(await requestsAs(t, officer).get(`/files/${missing}`), 404).detail).toBe(
        `File ${missing} was not found.`,
      );
      expectProblem(await requestsAs(t, officer).get('/files/nope'), 422);
    });
  });

  describe('PATCH /files/{id}', () => {
    it('renames, retypes and moves within the application; audited with from and to', async () => {
      const file = await uploadAs(officer, { folder_id: folders['borrower-documents'] });
      const res = await requestsAs(t, officer).patch(`/files/${file.id}`, {
        display_name: '  ID card (front)\u0000 ',
        document_type: 'borrower_nid_front',
        folder_id: folders['guarantor-documents'],
      });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({
        display_name: 'ID card (front)',
        document_type: 'borrower_nid_front',
        folder_id: folders['guarantor-documents'],
        // The object never moves.
        file_path: file.file_path,
      });
      const [event] = await auditRows(t, { entityId: file.id, action: 'file.updated' });
      expect(event).toMatchObject({
        actor_id: officer.user.id,
        branch_id: unit.branchId,
        details: {
          changes: {
            display_name: { from: null, to: 'ID card (front)' },
            document_type: { from: null, to: 'borrower_nid_front' },
            folder_id: { from: folders['borrower-documents'], to: folders['guarantor-documents'] },
          },
        },
      });
      // null clears; to the application's root; nothing changed writes nothing.
      const cleared = await requestsAs(t, officer).patch(`/files/${file.id}`, {
        display_name: null,
        document_type: '',
        folder_id: null,
      });
      expectStatus(cleared, 200);
      expect(cleared.body).toMatchObject({
        display_name: null,
        document_type: null,
        folder_id: null,
      });
      expectStatus(
        await requestsAs(t, officer).patch(`/files/${file.id}`, { folder_id: null }),
        200,
      );
      expect(await auditRows(t, { entityId: file.id, action: 'file.updated' })).toHaveLength(2);
    });

    it('refuses an unknown document type, an unknown field, a folder of another application (422), a folder out of scope (404)', async () => {
      const file = await uploadAs(officer, { application_id: app.id });
      const api = requestsAs(t, officer);
      expectProblem(await api.patch(`/files/${file.id}`, { document_type: 'selfie' }), 422);
      expectProblem(await api.patch(`/files/${file.id}`, { file_path: 'x' }), 422);
      const other = await createApplication(t, officer);
      const otherFolders = await foldersOf(other.id);
      const across = await api.patch(`/files/${file.id}`, {
        folder_id: otherFolders['borrower-documents'],
      });
      expect(expectProblem(across, 422).detail).toMatch(/moves only within its application/);
      const foreign = await createApplication(t, foreignOfficer);
      const foreignFolder = (await foldersOf(foreign.id))['borrower-documents'];
      expectProblem(await api.patch(`/files/${file.id}`, { folder_id: foreignFolder }), 404);
      expectProblem(await api.patch(`/files/${file.id}`, { folder_id: randomUUID() }), 404);
    });

    it('an upload without an application cannot move into an application (422)', async () => {
      const file = await uploadAs(officer, {});
      const res = await requestsAs(t, officer).patch(`/files/${file.id}`, {
        folder_id: folders['borrower-documents'],
      });
      expect(expectProblem(res, 422).detail).toMatch(/cannot move into one/);
      // Renaming it is its uploader's.
      expectStatus(
        await requestsAs(t, officer).patch(`/files/${file.id}`, { display_name: 'Mine' }),
        200,
      );
      expectProblem(
        await requestsAs(t, officer2).patch(`/files/${file.id}`, { display_name: 'x' }),
        404,
      );
    });

    it('who may: viewer 403, another branch 404, officer once submitted 409, a manager then 200, nobody once approved 409', async () => {
      const submitted = await createApplication(t, officer);
      const file = await uploadAs(officer, { application_id: submitted.id });
      await runTransitions(t, submitted.id, [[officer, 'submit']]);
      const rename = (actor: Actor) =>
        requestsAs(t, actor).patch(`/files/${file.id}`, { display_name: `by ${actor.user.role}` });
      expectProblem(await rename(viewer), 403);
      expectProblem(await rename(foreignOfficer), 404);
      expectProblem(await rename(officer), 409, 'documents-locked');
      expectStatus(await rename(manager), 200);
      await setStatus(submitted.id, 'approved');
      for (const actor of [officer, manager, admin]) {
        expectProblem(await rename(actor), 409, 'documents-locked');
      }
    });
  });

  describe('DELETE /files/{id}', () => {
    it('removes the row, the object and its thumbnails; audited', async () => {
      const file = await uploadAs(
        officer,
        { application_id: app.id },
        'p.png',
        await sampleImage('png'),
      );
      const thumbnails = [thumbnailKey(file.file_path, 128), thumbnailKey(file.file_path, 512)];
      for (const key of thumbnails) await t.storage.putBuffer(key, 'thumb', 'image/jpeg');
      expect(await objectKeys()).toEqual(expect.arrayContaining([file.file_path, ...thumbnails]));
      const res = await requestsAs(t, officer).delete(`/files/${file.id}`);
      expectStatus(res, 204);
      const keys = await objectKeys();
      for (const key of [file.file_path, ...thumbnails]) expect(keys).not.toContain(key);
      expectProblem(await requestsAs(t, officer).get(`/files/${file.id}`), 404);
      const [event] = await auditRows(t, { entityId: file.id, action: 'file.deleted' });
      expect(event).toMatchObject({
        actor_id: officer.user.id,
        branch_id: unit.branchId,
        details: { file_path: file.file_path, original_filename: 'p.png', application_id: app.id },
      });
    });

    it('who may: viewer 403, another branch 404, officer once submitted 409, a manager in review 204, nobody once approved 409', async () => {
      const submitted = await createApplication(t, officer);
      const first = await uploadAs(officer, { application_id: submitted.id });
      const second = await uploadAs(officer, { application_id: submitted.id });
      await runTransitions(t, submitted.id, [[officer, 'submit']]);
      const remove = (actor: Actor, file: FileJson) =>
        requestsAs(t, actor).delete(`/files/${file.id}`);
      expectProblem(await remove(viewer, first), 403);
      expectProblem(await remove(foreignOfficer, first), 404);
      expectProblem(await remove(officer, first), 409, 'documents-locked');
      expectStatus(await remove(manager, first), 204);
      await setStatus(submitted.id, 'approved');
      for (const actor of [officer, manager, admin]) {
        expectProblem(await remove(actor, second), 409, 'documents-locked');
      }
      expect(await objectKeys()).toContain(second.file_path);
      expect(await objectKeys()).not.toContain(first.file_path);
    });

    it('an unattached upload: another user 404, its uploader 204', async () => {
      const file = await uploadAs(officer2, {});
      expectProblem(await requestsAs(t, officer).delete(`/files/${file.id}`), 404);
      expectStatus(await requestsAs(t, officer2).delete(`/files/${file.id}`), 204);
      expect(await objectKeys()).not.toContain(file.file_path);
    });
  });
});
