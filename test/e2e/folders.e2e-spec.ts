import { randomUUID } from 'node:crypto';
import { objectKeysOf, thumbnailKey } from '../../src/files/object-keys';
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
import { requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { createTestApp, type TestApp } from '../harness/test-app';
import { tag } from '../harness/unique';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const DEFAULTS = ['borrower-documents', 'collateral-documents', 'guarantor-documents'];
const FOLDER_FIELDS = [
  'application_id',
  'created_at',
  'file_count',
  'id',
  'name',
  'parent_id',
  'updated_at',
  'version',
];

describe('folders', () => {
  let t: TestApp;
  let admin: Actor;
  let unit: Unit;
  let officer: Actor;
  let manager: Actor;
  let viewer: Actor;
  let otherOfficer: Actor;
  let otherManager: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
    unit = await makeUnit(t);
    const otherUnit = await makeUnit(t);
    [officer, manager, viewer, otherOfficer, otherManager] = await Promise.all([
      member(t, 'officer', unit),
      member(t, 'manager', unit),
      member(t, 'viewer', unit),
      member(t, 'officer', otherUnit),
      member(t, 'manager', otherUnit),
    ]);
  });
  afterAll(() => t.close());

  const as = (actor: Actor) => requestsAs(t, actor);

  async function createFolder(actor: Actor, body: Json): Promise<Json> {
    const res = await as(actor).post('/folders', body);
    expectStatus(res, 201);
    return res.body as Json;
  }

  async function listFolders(actor: Actor, query: Record<string, string>): Promise<Json[]> {
    const res = await as(actor).get('/folders', query);
    expectStatus(res, 200);
    expect(Array.isArray(res.body)).toBe(true);
    return res.body as Json[];
  }

  async function defaultFolder(app: ApplicationJson, name: string): Promise<Json> {
    const found = (await listFolders(admin, { application_id: app.id })).find(
      (folder) => folder.name === name,
    );
    expect(found).toBeDefined();
    return found!;
  }

  /** A file row in `folder` with its object and a thumbnail in the bucket; its key. */
  async function storedFile(app: ApplicationJson | null, folderId: string | null, by: Actor) {
    const key = `applications/${app?.id ?? 'none'}/${folderId ?? 'root'}/${randomUUID()}.pdf`;
    await t.storage.putBuffer(key, '%PDF-1.4 test');
    await t.storage.putBuffer(thumbnailKey(key, 256), 'thumb');
    await t.dataSource.query(
      `INSERT INTO files (filename, original_filename, file_path, file_size, mime_type,
                          uploaded_by, application_id, folder_id)
       VALUES ($1, 'scan.pdf', $2, 13, 'application/pdf', $3, $4, $5)`,
      [key.split('/').pop(), key, by.user.id, app?.id ?? null, folderId],
    );
    return key;
  }

  async function objectsLeft(keys: string[]): Promise<string[]> {
    const heads = await Promise.all(keys.map((key) => t.storage.head(key)));
    return keys.filter((_, index) => heads[index] !== undefined);
  }

  /** An application of `officer` at `stage` (`submitted`: in initial review). */
  async function applicationIn(
    stage: 'draft' | 'submitted' | 'approved' | 'rejected',
  ): Promise<ApplicationJson> {
    const app = await createApplication(t, officer);
    if (stage === 'draft') return app;
    await runTransitions(t, app.id, [[officer, 'submit']]);
    if (stage === 'rejected') {
      await runTransitions(t, app.id, [[manager, 'reject', { rejection_reason: 'No income' }]]);
    } else if (stage === 'approved') {
      await runTransitions(t, app.id, [
        [manager, 'complete-review'],
        [manager, 'assess-risk'],
        [admin, 'approve'],
      ]);
    }
    return app;
  }

  // ---------------------------------------------------------------------------------------------

  describe("the web app's calls", () => {
    it('POST /folders with a Khmer name and an application → 201; GET lists it with the defaults', async () => {
      const app = await createApplication(t, officer);
      const res = await as(officer).post('/folders', {
        name: 'រូបថតអ្នកខ្ចី',
        application_id: app.id,
      });
      expectStatus(res, 201);
      expect(Object.keys(res.body).sort()).toEqual(FOLDER_FIELDS);
      expect(res.body).toMatchObject({
        name: 'រូបថតអ្នកខ្ចី',
        parent_id: null,
        application_id: app.id,
        file_count: 0,
      });
      expect(res.headers.etag).toBe(`"${res.body.version}"`);

      const list = await as(officer).get('/folders', { application_id: app.id });
      expectStatus(list, 200);
      expect(Array.isArray(list.body)).toBe(true);
      // By name ignoring case: the Latin defaults, then the Khmer name.
      expect((list.body as Json[]).map((folder) => folder.name)).toEqual([
        ...DEFAULTS,
        'រូបថតអ្នកខ្ចី',
      ]);
      for (const folder of list.body as Json[]) {
        expect(Object.keys(folder).sort()).toEqual(FOLDER_FIELDS);
        expect(folder).toMatchObject({ application_id: app.id, parent_id: null, file_count: 0 });
      }

      const [event] = await auditRows(t, { entityId: res.body.id, action: 'folder.created' });
      expect(event).toMatchObject({
        actor_id: officer.user.id,
        entity_type: 'folder',
        branch_id: unit.branchId,
        department_id: unit.departmentId,
      });
      expect(event.details).toMatchObject({ name: 'រូបថតអ្នកខ្ចី', application_id: app.id });
    });
  });

  it('answers with a trailing slash too, and replays a create with the same Idempotency-Key', async () => {
    const app = await createApplication(t, officer);
    const body = { name: 'Scans', application_id: app.id };
    const headers = { 'Idempotency-Key': randomUUID() };
    const first = await as(officer).post('/folders/', body, headers);
    expectStatus(first, 201);
    const again = await as(officer).post('/folders/', body, headers);
    expectStatus(again, 201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const rows = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM folders WHERE application_id = $1 AND name = 'Scans'`,
      [app.id],
    );
    expect(rows).toEqual([{ n: 1 }]);
    expect(await listFolders(officer, { application_id: app.id })).toHaveLength(4);
  });

  describe('GET /folders and /folders/{id}', () => {
    let app: ApplicationJson;
    let child: Json;

    beforeAll(async () => {
      app = await createApplication(t, officer);
      const parent = await defaultFolder(app, 'borrower-documents');
      child = await createFolder(officer, { name: 'ID cards', parent_id: parent.id });
    });

    it('lists root folders unless parent_id is given, with file_count from the files table', async () => {
      const parent = await defaultFolder(app, 'borrower-documents');
      const other = await defaultFolder(app, 'guarantor-documents');
      await storedFile(app, parent.id, officer);
      await storedFile(app, parent.id, officer);
      await storedFile(app, other.id, officer);
      await storedFile(app, child.id, officer);

      const roots = await listFolders(viewer, { application_id: app.id });
      expect(roots.map((folder) => [folder.name, folder.file_count])).toEqual([
        ['borrower-documents', 2],
        ['collateral-documents', 0],
        ['guarantor-documents', 1],
      ]);
      const children = await listFolders(officer, { parent_id: parent.id });
      expect(children.map((folder) => [folder.id, folder.file_count])).toEqual([[child.id, 1]]);

      const one = await as(manager).get(`/folders/${parent.id}`);
      expectStatus(one, 200);
      expect(one.body).toMatchObject({ id: parent.id, file_count: 2, parent_id: null });
    });

    it('shows an application’s folders only to whoever may see the application (else 404 / absent)', async () => {
      const parent = await defaultFolder(app, 'borrower-documents');
      for (const outsider of [otherOfficer, otherManager]) {
        expectProblem(await as(outsider).get(`/folders/${parent.id}`), 404);
        expectProblem(await as(outsider).get(`/folders/${child.id}`), 404);
        expect(await listFolders(outsider, { application_id: app.id })).toEqual([]);
        expect(await listFolders(outsider, { parent_id: parent.id })).toEqual([]);
      }
      // Another officer of the same branch does not see an officer's application either.
      const colleague = await member(t, 'officer', unit);
      expectProblem(await as(colleague).get(`/folders/${parent.id}`), 404);
      for (const insider of [officer, manager, viewer, admin]) {
        expectStatus(await as(insider).get(`/folders/${child.id}`), 200);
      }
    });

    it('keeps a folder of no application to its creator and admins', async () => {
      const own = await createFolder(officer, { name: `Mine ${tag()}` });
      expect(own).toMatchObject({ application_id: null, parent_id: null });
      const roots = await listFolders(officer, {});
      expect(roots.map((folder) => folder.id)).toContain(own.id);
      expect((await listFolders(admin, {})).map((folder) => folder.id)).toContain(own.id);
      for (const other of [manager, viewer, otherOfficer]) {
        expectProblem(await as(other).get(`/folders/${own.id}`), 404);
        expect((await listFolders(other, {})).map((folder) => folder.id)).not.toContain(own.id);
      }
      expectStatus(await as(admin).get(`/folders/${own.id}`), 200);
    });

    it('refuses malformed ids and filters (422) and unknown folders (404)', async () => {
      expectProblem(await as(officer).get('/folders/not-a-uuid'), 422);
      expectProblem(await as(officer).get('/folders', { application_id: 'nope' }), 422);
      expectProblem(await as(officer).get('/folders', { colour: 'red' }), 422);
      expectProblem(await as(officer).get(`/folders/${randomUUID()}`), 404);
    });
  });

  describe('POST /folders', () => {
    it('puts a child in its parent’s application; another application_id is 422', async () => {
      const app = await createApplication(t, officer);
      const other = await createApplication(t, officer);
      const parent = await defaultFolder(app, 'collateral-documents');
      const child = await createFolder(officer, { name: 'Land title', parent_id: parent.id });
      expect(child).toMatchObject({ parent_id: parent.id, application_id: app.id });
      const same = await createFolder(officer, {
        name: 'Photos',
        parent_id: parent.id,
        application_id: app.id,
      });
      expect(same.application_id).toBe(app.id);
      const res = await as(officer).post('/folders', {
        name: 'Elsewhere',
        parent_id: parent.id,
        application_id: other.id,
      });
      expectProblem(res, 422, 'validation-error');
      expect(res.body.errors[0].loc).toEqual(['body', 'parent_id']);
    });

    it('who may: viewer 403, other branch 404, officer on a submitted application 409, manager in scope 201', async () => {
      const draft = await createApplication(t, officer);
      expectProblem(
        await as(viewer).post('/folders', { name: 'x', application_id: draft.id }),
        403,
      );
      expectProblem(
        await as(otherOfficer).post('/folders', { name: 'x', application_id: draft.id }),
        404,
      );
      expectProblem(
        await as(otherManager).post('/folders', { name: 'x', application_id: draft.id }),
        404,
      );
      const submitted = await applicationIn('submitted');
      const locked = await as(officer).post('/folders', {
        name: 'Late',
        application_id: submitted.id,
      });
      expectProblem(locked, 409, 'documents-locked');
      expect(locked.body.current_status).toBe('initial_review');
      const byManager = await as(manager).post('/folders', {
        name: 'Review notes',
        application_id: submitted.id,
      });
      expectStatus(byManager, 201);
      const count = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM folders WHERE application_id = $1 AND name IN ('x', 'Late')`,
        [draft.id],
      );
      expect(count).toEqual([{ n: 0 }]);
    });

    it('refuses every change once the application is decided (approved or rejected): 409', async () => {
      for (const stage of ['approved', 'rejected'] as const) {
        const app = await applicationIn(stage);
        for (const actor of [manager, admin]) {
          const res = await as(actor).post('/folders', { name: 'After', application_id: app.id });
          expectProblem(res, 409, 'documents-locked');
          expect(res.body.detail).toMatch(/evidence/);
        }
        const folder = await defaultFolder(app, 'borrower-documents');
        expectProblem(
          await as(admin).patch(`/folders/${folder.id}`, { name: 'renamed' }),
          409,
          'documents-locked',
        );
        const sub = (
          await t.dataSource.query(
            `INSERT INTO folders (name, parent_id, application_id, created_by)
             VALUES ('sub', $1, $2, $3) RETURNING id`,
            [folder.id, app.id, officer.user.id],
          )
        )[0] as { id: string };
        expectProblem(await as(admin).delete(`/folders/${sub.id}`), 409, 'documents-locked');
        expectStatus(await as(admin).get(`/folders/${sub.id}`), 200);
      }
    });

    it('names: trimmed and NFC; unique among siblings ignoring case and normalisation (409)', async () => {
      const app = await createApplication(t, officer);
      const created = await createFolder(officer, {
        name: '  Cafe\u0301 receipts ',
        application_id: app.id,
      });
      expect(created.name).toBe('Caf\u00e9 receipts');
      for (const name of ['Café receipts', 'CAFE\u0301 RECEIPTS', ' café Receipts']) {
        const res = await as(officer).post('/folders', { name, application_id: app.id });
        expectProblem(res, 409, 'duplicate');
        expect(res.body.detail).toMatch(/already exists here/);
      }
      expectProblem(
        await as(officer).post('/folders', { name: 'Borrower-Documents', application_id: app.id }),
        409,
        'duplicate',
      );
      // The same name elsewhere is fine: under another parent, in another application.
      const parent = await defaultFolder(app, 'borrower-documents');
      await createFolder(officer, { name: 'Café receipts', parent_id: parent.id });
      const other = await createApplication(t, officer);
      await createFolder(officer, { name: 'Café receipts', application_id: other.id });
    });

    it('refuses bad bodies (422): empty, blank, too long, unknown or server fields, bad ids', async () => {
      const app = await createApplication(t, officer);
      const bodies: Json[] = [
        {},
        { name: '' },
        { name: '   ' },
        { name: 'a'.repeat(256) },
        { name: 'tab\tinside' },
        { name: 42 },
        { name: 'x', application_id: 'nope' },
        { name: 'x', parent_id: 12 },
        { name: 'x', colour: 'red' },
        { name: 'x', file_count: 3 },
      ];
      for (const body of bodies) {
        expectProblem(await as(officer).post('/folders', body), 422, 'validation-error');
      }
      expectStatus(
        await as(officer).post('/folders', { name: 'a'.repeat(255), application_id: app.id }),
        201,
      );
      expectProblem(
        await as(officer).post('/folders', { name: 'x', application_id: randomUUID() }),
        404,
      );
      expectProblem(
        await as(officer).post('/folders', { name: 'x', parent_id: randomUUID() }),
        404,
      );
    });
  });

  describe('PATCH /folders/{id}', () => {
    it('renames and moves, audited with from and to', async () => {
      const app = await createApplication(t, officer);
      const borrower = await defaultFolder(app, 'borrower-documents');
      const folder = await createFolder(officer, { name: 'Payslips', application_id: app.id });

      const renamed = await as(officer).patch(`/folders/${folder.id}`, { name: ' Salary slips ' });
      expectStatus(renamed, 200);
      expect(renamed.body).toMatchObject({ name: 'Salary slips', parent_id: null });
      expect(renamed.body.version).toBeGreaterThan(folder.version);

      const moved = await as(manager).patch(`/folders/${folder.id}`, { parent_id: borrower.id });
      expectStatus(moved, 200);
      expect(moved.body.parent_id).toBe(borrower.id);
      const back = await as(officer).patch(`/folders/${folder.id}`, { parent_id: null });
      expectStatus(back, 200);
      expect(back.body.parent_id).toBeNull();

      const events = await auditRows(t, { entityId: folder.id, action: 'folder.updated' });
      expect(events.map((event) => event.details)).toEqual([
        expect.objectContaining({ name: { from: 'Payslips', to: 'Salary slips' } }),
        expect.objectContaining({ parent_id: { from: null, to: borrower.id } }),
        expect.objectContaining({ parent_id: { from: borrower.id, to: null } }),
      ]);
      expect(events[1]).toMatchObject({ actor_id: manager.user.id, branch_id: unit.branchId });

      // Nothing changed: no write, no event.
      const same = await as(officer).patch(`/folders/${folder.id}`, { name: 'Salary slips' });
      expectStatus(same, 200);
      expect(same.body.version).toBe(back.body.version);
      expect(await auditRows(t, { entityId: folder.id, action: 'folder.updated' })).toHaveLength(3);
    });

    it('renames a default folder; a stale If-Match is 412', async () => {
      const app = await createApplication(t, officer);
      const borrower = await defaultFolder(app, 'borrower-documents');
      const res = await as(officer).patch(`/folders/${borrower.id}`, { name: 'Borrower' });
      expectStatus(res, 200);
      expect(res.body.name).toBe('Borrower');
      expectProblem(
        await as(officer).patch(
          `/folders/${borrower.id}`,
          { name: 'Again' },
          { 'If-Match': `"${borrower.version}"` },
        ),
        412,
        'precondition-failed',
      );
    });

    it('refuses a move into itself or its own subtree (409 folder-cycle)', async () => {
      const app = await createApplication(t, officer);
      const a = await createFolder(officer, { name: 'A', application_id: app.id });
      const b = await createFolder(officer, { name: 'B', parent_id: a.id });
      const c = await createFolder(officer, { name: 'C', parent_id: b.id });
      for (const target of [a, b, c]) {
        const res = await as(officer).patch(`/folders/${a.id}`, { parent_id: target.id });
        expectProblem(res, 409, 'folder-cycle');
      }
      expectProblem(
        await as(officer).patch(`/folders/${b.id}`, { parent_id: c.id }),
        409,
        'folder-cycle',
      );
      // Downwards in another branch of the tree is fine.
      const d = await createFolder(officer, { name: 'D', application_id: app.id });
      expectStatus(await as(officer).patch(`/folders/${d.id}`, { parent_id: c.id }), 200);
      const tree = await t.dataSource.query(
        `SELECT name, parent_id FROM folders WHERE id = ANY($1) ORDER BY name`,
        [[a.id, b.id, c.id, d.id]],
      );
      expect(tree).toEqual([
        { name: 'A', parent_id: null },
        { name: 'B', parent_id: a.id },
        { name: 'C', parent_id: b.id },
        { name: 'D', parent_id: c.id },
      ]);
    });

    it('two opposite moves at once never make a loop: one succeeds, the other is 409', async () => {
      const app = await createApplication(t, officer);
      for (let round = 0; round < 5; round += 1) {
        const a = await createFolder(officer, { name: `A${round}`, application_id: app.id });
        const b = await createFolder(officer, { name: `B${round}`, application_id: app.id });
        const answers = await Promise.all([
          as(officer).patch(`/folders/${a.id}`, { parent_id: b.id }),
          as(manager).patch(`/folders/${b.id}`, { parent_id: a.id }),
        ]);
        expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
        const parents = (await t.dataSource.query(
          `SELECT parent_id FROM folders WHERE id = ANY($1)`,
          [[a.id, b.id]],
        )) as { parent_id: string | null }[];
        expect(parents.filter((row) => row.parent_id === null)).toHaveLength(1);
      }
    });

    it('refuses a move across applications (422), a name taken by a sibling (409), a hidden parent (404)', async () => {
      const app = await createApplication(t, officer);
      const other = await createApplication(t, officer);
      const folder = await createFolder(officer, { name: 'Mine', application_id: app.id });
      const elsewhere = await defaultFolder(other, 'borrower-documents');
      const res = await as(officer).patch(`/folders/${folder.id}`, { parent_id: elsewhere.id });
      expectProblem(res, 422, 'validation-error');
      expect(res.body.errors[0].loc).toEqual(['body', 'parent_id']);
      const unattached = await createFolder(officer, { name: `Loose ${tag()}` });
      expectProblem(
        await as(officer).patch(`/folders/${folder.id}`, { parent_id: unattached.id }),
        422,
      );

      expectProblem(
        await as(officer).patch(`/folders/${folder.id}`, { name: 'GUARANTOR-documents' }),
        409,
        'duplicate',
      );
      const borrower = await defaultFolder(app, 'borrower-documents');
      await createFolder(officer, { name: 'mine', parent_id: borrower.id });
      expectProblem(
        await as(officer).patch(`/folders/${folder.id}`, { parent_id: borrower.id }),
        409,
        'duplicate',
      );

      const outOfScope = await createApplication(t, otherOfficer);
      const hidden = await defaultFolder(outOfScope, 'borrower-documents');
      expectProblem(
        await as(officer).patch(`/folders/${folder.id}`, { parent_id: hidden.id }),
        404,
      );
      expectProblem(
        await as(officer).patch(`/folders/${folder.id}`, { application_id: other.id }),
        422,
      );
      expectProblem(await as(officer).patch(`/folders/${folder.id}`, { name: '' }), 422);
      expectProblem(await as(officer).patch(`/folders/${folder.id}`, { name: null }), 422);
      expect((await as(officer).get(`/folders/${folder.id}`)).body).toMatchObject({
        name: 'Mine',
        parent_id: null,
      });
    });

    it('who may: viewer 403, other branch 404, officer on a submitted application 409, manager 200', async () => {
      const submitted = await applicationIn('submitted');
      const folder = await defaultFolder(submitted, 'guarantor-documents');
      expectProblem(await as(viewer).patch(`/folders/${folder.id}`, { name: 'v' }), 403);
      expectProblem(await as(otherManager).patch(`/folders/${folder.id}`, { name: 'o' }), 404);
      expectProblem(
        await as(officer).patch(`/folders/${folder.id}`, { name: 'o' }),
        409,
        'documents-locked',
      );
      const res = await as(manager).patch(`/folders/${folder.id}`, { name: 'Guarantor' });
      expectStatus(res, 200);
      expect(res.body.name).toBe('Guarantor');
    });
  });

  describe('DELETE /folders/{id}', () => {
    it('deletes an empty folder (204), audited', async () => {
      const app = await createApplication(t, officer);
      const folder = await createFolder(officer, { name: 'Empty', application_id: app.id });
      const res = await as(officer).delete(`/folders/${folder.id}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectProblem(await as(officer).get(`/folders/${folder.id}`), 404);
      const [event] = await auditRows(t, { entityId: folder.id, action: 'folder.deleted' });
      expect(event).toMatchObject({ actor_id: officer.user.id, branch_id: unit.branchId });
      expect(event.details).toMatchObject({ recursive: false, folder_count: 0, file_count: 0 });
    });

    it('never deletes the default folders, even renamed (409)', async () => {
      const app = await createApplication(t, officer);
      const collateral = await defaultFolder(app, 'collateral-documents');
      const res = await as(officer).delete(`/folders/${collateral.id}`);
      expectProblem(res, 409);
      expect(res.body.detail).toMatch(/renamed, not deleted/);
      expectStatus(await as(officer).patch(`/folders/${collateral.id}`, { name: 'Land' }), 200);
      expectProblem(await as(admin).delete(`/folders/${collateral.id}?recursive=true`), 409);
      expectStatus(await as(officer).get(`/folders/${collateral.id}`), 200);
    });

    it('refuses a folder that holds files or folders (409 folder-not-empty, with counts)', async () => {
      const app = await createApplication(t, officer);
      const folder = await createFolder(officer, { name: 'Full', application_id: app.id });
      const sub = await createFolder(officer, { name: 'Sub', parent_id: folder.id });
      let res = await as(officer).delete(`/folders/${folder.id}`);
      expectProblem(res, 409, 'folder-not-empty');
      expect(res.body.detail).toBe(
        'The folder still holds 1 folder; delete them first, or use recursive=true.',
      );
      await storedFile(app, folder.id, officer);
      await storedFile(app, folder.id, officer);
      res = await as(officer).delete(`/folders/${folder.id}?recursive=false`);
      expectProblem(res, 409, 'folder-not-empty');
      expect(res.body).toMatchObject({ file_count: 2, folder_count: 1 });
      expect(res.body.detail).toMatch(/2 files and 1 folder/);
      expectStatus(await as(officer).get(`/folders/${sub.id}`), 200);
      expectProblem(await as(officer).delete(`/folders/${folder.id}?recursive=maybe`), 422);
    });

    it('recursive=true deletes the subtree, its files, their objects and thumbnails', async () => {
      const app = await createApplication(t, officer);
      const top = await createFolder(officer, { name: 'Top', application_id: app.id });
      const mid = await createFolder(officer, { name: 'Mid', parent_id: top.id });
      const low = await createFolder(officer, { name: 'Low', parent_id: mid.id });
      const keys = [
        await storedFile(app, top.id, officer),
        await storedFile(app, mid.id, officer),
        await storedFile(app, low.id, officer),
      ];
      const borrower = await defaultFolder(app, 'borrower-documents');
      const kept = await storedFile(app, borrower.id, officer);
      expect(await objectsLeft(keys.map((key) => thumbnailKey(key, 256)))).toHaveLength(3);

      const res = await as(manager).delete(`/folders/${top.id}?recursive=true`);
      expect(res.status).toBe(204);

      const left = await t.dataSource.query(
        `SELECT (SELECT count(*)::int FROM folders WHERE id = ANY($1)) AS folders,
                (SELECT count(*)::int FROM files WHERE file_path = ANY($2)) AS files,
                (SELECT count(*)::int FROM files WHERE file_path = $3) AS kept`,
        [[top.id, mid.id, low.id], keys, kept],
      );
      expect(left).toEqual([{ folders: 0, files: 0, kept: 1 }]);
      expect(await objectsLeft(keys.flatMap(objectKeysOf))).toEqual([]);
      expect(await objectsLeft([kept, thumbnailKey(kept, 256)])).toHaveLength(2);
      const [event] = await auditRows(t, { entityId: top.id, action: 'folder.deleted' });
      expect(event).toMatchObject({ actor_id: manager.user.id, branch_id: unit.branchId });
      expect(event.details).toMatchObject({ recursive: true, folder_count: 2, file_count: 3 });
    });

    it('who may: viewer 403, other branch 404, officer on a submitted application 409, manager 204', async () => {
      const submitted = await applicationIn('submitted');
      const folder = (
        await t.dataSource.query(
          `INSERT INTO folders (name, application_id, created_by) VALUES ('extra', $1, $2)
           RETURNING id`,
          [submitted.id, officer.user.id],
        )
      )[0] as { id: string };
      expectProblem(await as(viewer).delete(`/folders/${folder.id}`), 403);
      expectProblem(await as(otherOfficer).delete(`/folders/${folder.id}`), 404);
      expectProblem(await as(officer).delete(`/folders/${folder.id}`), 409, 'documents-locked');
      expect((await as(manager).delete(`/folders/${folder.id}`)).status).toBe(204);
      expectProblem(await as(manager).delete(`/folders/${folder.id}`), 404);
    });

    it('a folder of no application: its creator and admins only', async () => {
      const own = await createFolder(officer, { name: `Drafts ${tag()}` });
      const inner = await createFolder(officer, { name: 'Inner', parent_id: own.id });
      expect(inner.application_id).toBeNull();
      const key = await storedFile(null, inner.id, officer);
      expectProblem(await as(otherOfficer).delete(`/folders/${own.id}?recursive=true`), 404);
      expectProblem(await as(manager).patch(`/folders/${own.id}`, { name: 'Taken' }), 404);
      expect((await as(officer).delete(`/folders/${own.id}?recursive=true`)).status).toBe(204);
      expect(await objectsLeft(objectKeysOf(key))).toEqual([]);
    });
  });

  it('deleting a draft application still removes its folders, sub-folders included', async () => {
    const app = await createApplication(t, officer);
    const borrower = await defaultFolder(app, 'borrower-documents');
    await createFolder(officer, { name: 'Deep', parent_id: borrower.id });
    expect((await as(officer).delete(`/applications/${app.id}`)).status).toBe(204);
    const left = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM folders WHERE application_id = $1`,
      [app.id],
    );
    expect(left).toEqual([{ n: 0 }]);
    expectProblem(await as(officer).get(`/folders/${borrower.id}`), 404);
  });

  it('marks only the three folders an application starts with as default', async () => {
    const app = await createApplication(t, officer);
    await createFolder(officer, { name: 'Extra', application_id: app.id });
    const rows = await t.dataSource.query(
      `SELECT name, is_default FROM folders WHERE application_id = $1
        ORDER BY is_default DESC, name`,
      [app.id],
    );
    expect(rows).toEqual([
      ...DEFAULTS.map((name) => ({ name, is_default: true })),
      { name: 'Extra', is_default: false },
    ]);
  });
});
