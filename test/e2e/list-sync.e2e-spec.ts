import { randomUUID } from 'node:crypto';
import {
  createApplication,
  insertApplications,
  makeUnit,
  member,
} from '../harness/applications-fixtures';
import { newCustomerBody } from '../harness/customers-fixtures';
import { errorLocs, expectProblem, expectStatus } from '../harness/expect';
import { createdAs, pageIds, requestsAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { makeBranch, makeDepartment, makePosition } from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';

/**
 * SPEC §3 lists, issue 12 item 6: `sort_by=updated_at` orders by (updated_at, id), and
 * `after_id` continues from the last row received, so that an integrator paging with
 * `updated_since` neither skips nor repeats a row, even when rows change meanwhile (paging by
 * offset would skip one for each row that moves behind the page being read).
 */

type Item = { id: string; updated_at: string };
type ListGet = (
  query: Record<string, string | number>,
) => ReturnType<ReturnType<typeof requestsAs>['get']>;

/**
 * The times given to the rows of a test: far ahead, so that no other row of the database is as
 * recent; an hour ago for applications, whose tests change rows (a change sets now()) and
 * filter on their officer instead.
 */
const FUTURE = Date.parse('2090-01-01T00:00:00Z');
const AN_HOUR_AGO = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

/**
 * Gives each of `ids` an updated_at, in order, `base` + i ms; the first three share one
 * millisecond and differ in microseconds in an order that disagrees with their ids, so that a
 * cursor read at the precision the answers carry (milliseconds) is put to the test.
 */
async function spreadUpdatedAt(
  t: TestApp,
  table: string,
  ids: string[],
  base: number,
): Promise<void> {
  const sorted = ids.slice(0, 3).sort();
  const micros = new Map([
    [sorted[0], 900],
    [sorted[1], 100],
    [sorted[2], 500],
  ]);
  for (const [i, id] of ids.entries()) {
    const ms = i < 3 ? 0 : i;
    const micro = micros.get(id) ?? 0;
    const at = `${new Date(base + ms).toISOString().slice(0, -1)}${String(micro).padStart(3, '0')}Z`;
    await t.ownerQuery(`UPDATE ${table} SET updated_at = $2 WHERE id = $1`, [id, at]);
  }
}

/**
 * Reads a list to its end as an integrator syncs: `updated_since` = the last `updated_at`
 * received, `after_id` = its id, `sort_by=updated_at`, page 1. `between` runs after each page
 * (to change rows meanwhile). Every item received, in order.
 */
async function syncAll(
  get: ListGet,
  query: Record<string, string>,
  options: { base: number; size: number; between?: (page: number) => Promise<void> },
): Promise<Item[]> {
  const { size, between = async () => {} } = options;
  const received: Item[] = [];
  let cursor: Record<string, string> = {
    updated_since: new Date(options.base - 1000).toISOString(),
  };
  for (let page = 1; page < 50; page += 1) {
    const res = await get({ ...query, ...cursor, sort_by: 'updated_at', size });
    expectStatus(res, 200);
    const items = res.body.items as Item[];
    received.push(...items);
    if (items.length < size) return received;
    const last = items[items.length - 1];
    cursor = { updated_since: last.updated_at, after_id: last.id };
    await between(page);
  }
  throw new Error('the sync did not end');
}

describe('Lists: sort_by=updated_at and the after_id cursor', () => {
  let t: TestApp;
  let admin: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
  });
  afterAll(() => t?.close());

  const api = () => requestsAs(t, admin);
  const listOf =
    (path: string): ListGet =>
    (query) =>
      api().get(path, query);

  describe('applications', () => {
    let officer: Actor;
    let ids: string[];

    beforeAll(async () => {
      const unit = await makeUnit(t);
      officer = await member(t, 'officer', unit);
      ids = await insertApplications(t, 12, {
        userId: officer.user.id,
        branchId: unit.branchId,
        departmentId: unit.departmentId,
      });
      await spreadUpdatedAt(t, 'customer_applications', ids, AN_HOUR_AGO);
    });

    const list = () => listOf('/applications');

    it('orders by updated_at then id, to the microsecond as the cursor reads it', async () => {
      const res = await list()({
        user_id: officer.user.id,
        sort_by: 'updated_at',
        updated_since: new Date(AN_HOUR_AGO - 1000).toISOString(),
        size: 100,
      });
      expectStatus(res, 200);
      // The first three share a millisecond: by id among them, whatever their microseconds.
      expect(pageIds(res)).toEqual([...ids.slice(0, 3).sort(), ...ids.slice(3)]);
      expect(res.body.total).toBe(12);
      expect(res.body.items[0]).toHaveProperty('borrower_info');
    });

    it('reads every row exactly once by cursor, across a millisecond shared by three rows', async () => {
      for (const size of [1, 2, 5]) {
        const received = await syncAll(
          list(),
          { user_id: officer.user.id },
          { base: AN_HOUR_AGO, size },
        );
        expect(received.map((item) => item.id)).toEqual([
          ...ids.slice(0, 3).sort(),
          ...ids.slice(3),
        ]);
      }
    });

    it('neither skips nor repeats rows that change while it pages', async () => {
      const order = [...ids.slice(0, 3).sort(), ...ids.slice(3)];
      const seenEarly = order[1];
      const notYetSeen = order[8];
      const received = await syncAll(
        list(),
        { user_id: officer.user.id },
        {
          base: AN_HOUR_AGO,
          size: 3,
          between: async (page) => {
            if (page !== 1) return;
            // One row already received and one not yet: both now change (a real edit, through the API).
            for (const id of [seenEarly, notYetSeen]) {
              const res = await requestsAs(t, officer).patch(`/applications/${id}`, {
                phone: '012 345 678',
              });
              expectStatus(res, 200);
            }
          },
        },
      );
      const receivedIds = received.map((item) => item.id);
      // Every row arrives; each unchanged row once; the row changed after it was received
      // arrives again with its change, the one changed before it was reached only once.
      expect(new Set(receivedIds)).toEqual(new Set(ids));
      const times = (id: string) => receivedIds.filter((x) => x === id).length;
      for (const id of ids.filter((x) => x !== seenEarly)) expect(times(id)).toBe(1);
      expect(times(seenEarly)).toBe(2);
      expect(receivedIds.slice(-2).sort()).toEqual([seenEarly, notYetSeen].sort());
    });

    it('where paging by offset would skip a row that moved meanwhile', async () => {
      const since = new Date(AN_HOUR_AGO - 1000).toISOString();
      const query = {
        user_id: officer.user.id,
        sort_by: 'updated_at',
        updated_since: since,
        size: 3,
      };
      const first = await list()({ ...query, page: 1 });
      // The first row of the first page changes: every later row moves up one place.
      await t.ownerQuery(`UPDATE customer_applications SET updated_at = now() WHERE id = $1`, [
        first.body.items[0].id,
      ]);
      const second = await list()({ ...query, page: 2 });
      const cursor = await list()({
        ...query,
        updated_since: first.body.items[2].updated_at,
        after_id: first.body.items[2].id,
      });
      const all = await list()({ ...query, size: 100 });
      const fourth = all.body.items[2].id; // now third: the one an offset skips
      expect(pageIds(second)).not.toContain(fourth);
      expect(pageIds(cursor)[0]).toBe(fourth);
    });

    it('keeps the list order without sort_by and refuses a bad sort_by or a lone after_id (422)', async () => {
      expectStatus(await list()({ user_id: officer.user.id }), 200);
      const bad = await list()({ sort_by: 'name' });
      expectProblem(bad, 422);
      expect(errorLocs(bad)).toContain('query.sort_by');
      const lone: Record<string, string>[] = [
        { after_id: randomUUID() },
        { after_id: randomUUID(), sort_by: 'updated_at' },
        { after_id: randomUUID(), updated_since: new Date().toISOString() },
      ];
      for (const query of lone) {
        const res = await list()(query);
        expectProblem(res, 422);
        expect(errorLocs(res)).toEqual(['query.after_id']);
      }
      const notUuid = await list()({
        after_id: 'x',
        sort_by: 'updated_at',
        updated_since: new Date().toISOString(),
      });
      expectProblem(notUuid, 422);
      expect(errorLocs(notUuid)).toContain('query.after_id');
    });

    it('cards keep their shape; stats and the export take no sort_by (422)', async () => {
      const cards = await api().get('/applications/cards', { size: 1 });
      expectStatus(cards, 200);
      expect(cards.body.items[0]).not.toHaveProperty('borrower_info');
      for (const path of ['/applications/stats', '/applications/export/csv']) {
        expectProblem(await api().get(path, { sort_by: 'updated_at' }), 422);
      }
    });

    it('answers what a created application answers, from the raw rows', async () => {
      const created = await createApplication(t, officer, {
        guarantor_name: 'Chan Sophea',
        guarantor_id_number: '110220330',
      });
      const res = await requestsAs(t, officer).get('/applications', { size: 100 });
      const listed = (res.body.items as Item[]).find((item) => item.id === created.id);
      expect(listed).toEqual(created);
    });
  });

  describe.each([
    ['users', 'users'],
    ['customers', 'customers'],
    ['departments', 'departments'],
    ['branches', 'branches'],
    ['positions', 'positions'],
  ])('%s', (path, table) => {
    let ids: string[];

    beforeAll(async () => {
      const made: { id: string }[] = [];
      for (let i = 0; i < 5; i += 1) {
        if (path === 'users') made.push((await t.signIn('officer')).user);
        else if (path === 'customers')
          made.push(await createdAs(t, admin, '/customers', newCustomerBody()));
        else if (path === 'departments') made.push(await makeDepartment(t));
        else if (path === 'branches') made.push(await makeBranch(t));
        else made.push(await makePosition(t));
      }
      ids = made.map((row) => row.id);
      await spreadUpdatedAt(t, table, ids, FUTURE);
    });

    it('reads every row once by cursor, in (updated_at, id) order', async () => {
      const received = await syncAll(listOf(`/${path}`), {}, { base: FUTURE, size: 2 });
      expect(received.map((item) => item.id)).toEqual([...ids.slice(0, 3).sort(), ...ids.slice(3)]);
    });

    it('refuses a sort_by it does not know, and after_id without sort_by=updated_at (422)', async () => {
      const bad = await api().get(`/${path}`, { sort_by: 'nonsense' });
      expectProblem(bad, 422);
      expect(errorLocs(bad)).toContain('query.sort_by');
      const res = await api().get(`/${path}`, {
        after_id: randomUUID(),
        updated_since: new Date().toISOString(),
      });
      expectProblem(res, 422);
      expect(errorLocs(res)).toContain('query.after_id');
    });
  });

  it('units refuse after_id with sort_order=desc (422), and sort descending without it', async () => {
    const query = { sort_by: 'updated_at', updated_since: new Date(FUTURE).toISOString() };
    expectStatus(await api().get('/branches', { ...query, sort_order: 'desc' }), 200);
    const res = await api().get('/branches', {
      ...query,
      sort_order: 'desc',
      after_id: randomUUID(),
    });
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual(['query.after_id']);
  });
});
