import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import type { Branch } from '../../src/branches/branch.entity';
import { ValidationProblem } from '../../src/common/http/problem';
import { CustomersService } from '../../src/customers/customers.service';
import type { Department } from '../../src/departments/department.entity';
import { insertApplications } from '../harness/applications-fixtures';
import { auditRows } from '../harness/audit';
import { newCustomerBody, newCustomerIdNumber } from '../harness/customers-fixtures';
import { expectProblem } from '../harness/expect';
import { createdAs, pageIds, requestsAs, resourceAs } from '../harness/http';
import type { Actor } from '../harness/identity';
import { makeBranch, makeDepartment } from '../harness/organisation-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';
import { tag } from '../harness/unique';

interface CustomerBody {
  id: string;
  customer_code: string;
  full_name_latin: string | null;
  full_name_khmer: string | null;
  id_card_type: string;
  id_number: string;
  phone: string | null;
  branch_id: string | null;
  version: number;
  [field: string]: unknown;
}

const RESPONSE_FIELDS = [
  'id',
  'customer_code',
  'full_name_khmer',
  'full_name_latin',
  'id_card_type',
  'id_number',
  'phone',
  'date_of_birth',
  'sex',
  'marital_status',
  'current_address',
  'province',
  'district',
  'commune',
  'village',
  'occupation',
  'employer_name',
  'monthly_income',
  'income_source',
  'branch_id',
  'department_id',
  'created_by',
  'version',
  'created_at',
  'updated_at',
];

/** SPEC §7 "Customers", with the scope of §4 and the encrypted id number of §5. */
describe('Customers', () => {
  let t: TestApp;
  let branchA: Branch;
  let branchB: Branch;
  let departmentA: Department;
  let admin: Actor;
  let managerA: Actor;
  let officerA: Actor;
  let officerA2: Actor;
  let officerB: Actor;
  let viewerA: Actor;

  beforeAll(async () => {
    // Room for the five concurrent transactions of the linkOrCreate test (plus the settings LISTEN).
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '10' } });
    branchA = await makeBranch(t);
    branchB = await makeBranch(t);
    departmentA = await makeDepartment(t);
    admin = await t.signIn('admin');
    managerA = await t.signIn({ role: 'manager', branchId: branchA.id });
    officerA = await t.signIn({ role: 'officer', branchId: branchA.id });
    officerA2 = await t.signIn({ role: 'officer', branchId: branchA.id });
    officerB = await t.signIn({ role: 'officer', branchId: branchB.id });
    viewerA = await t.signIn({ role: 'viewer', branchId: branchA.id });
  });
  afterAll(() => t?.close());

  const url = (suffix = '') => `/api/v1/customers${suffix}`;

  const as = (caller: Actor) => ({
    ...resourceAs(t, caller, '/customers'),
    applications: (id: string, query: Record<string, string | number> = {}) =>
      requestsAs(t, caller).get(`/customers/${id}/applications`, query),
  });

  const createCustomer = (caller: Actor, fields: Record<string, unknown> = {}) =>
    createdAs<CustomerBody>(t, caller, '/customers', newCustomerBody(fields));

  /** One application of a customer, straight into the table. */
  const insertApplication = async (fields: Parameters<typeof insertApplications>[2]) =>
    (await insertApplications(t, 1, { requestedAmount: '1000', ...fields }))[0];

  it('refuses callers without a token (401)', async () => {
    const customer = await createCustomer(officerA);
    for (const res of [
      await t.http.get(url()),
      await t.http.post(url()).send(newCustomerBody()),
      await t.http.get(url(`/${customer.id}`)),
      await t.http.patch(url(`/${customer.id}`)).send({ phone: '012' }),
      await t.http.get(url(`/${customer.id}/applications`)),
    ]) {
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('documents every route with its operationId; server-only fields are not in the bodies', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const operation = (path: string, method: string) =>
      doc.paths[`/api/v1/customers${path}`][method].operationId;
    expect([
      operation('', 'get'),
      operation('', 'post'),
      operation('/{id}', 'get'),
      operation('/{id}', 'patch'),
      operation('/{id}/applications', 'get'),
    ]).toEqual([
      'customers_list',
      'customers_create',
      'customers_get',
      'customers_update',
      'customers_applications',
    ]);
    for (const schema of ['CreateCustomerDto', 'UpdateCustomerDto']) {
      const properties = Object.keys(doc.components.schemas[schema].properties);
      expect(properties).toContain('id_number');
      for (const field of ['id', 'customer_code', 'branch_id', 'created_by', 'version']) {
        expect(properties).not.toContain(field);
      }
    }
    expect(doc.components.schemas.CustomerResponse.properties).not.toHaveProperty('id_number_hash');
  });

  describe('create', () => {
    it('registers a customer in the caller’s branch (201, ETag, customer_code) and audits it', async () => {
      const idNumber = newCustomerIdNumber();
      const name = `Chan Sophea ${tag()}`;
      const res = await as(officerA).post({
        full_name_latin: `  ${name} `,
        full_name_khmer: 'ចាន់ សុភា',
        id_card_type: 'passport',
        id_number: ` ${idNumber} `,
        phone: '+855 12 345 678',
        date_of_birth: '1990-04-17',
        sex: 'female',
        marital_status: 'married',
        current_address: '12 Street 271',
        province: 'Phnom Penh',
        district: 'Chamkar Mon',
        commune: 'Tonle Bassac',
        village: 'Village 3',
        occupation: 'Trader',
        employer_name: '',
        monthly_income: '1500.50',
        income_source: 'business',
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual([...RESPONSE_FIELDS].sort());
      expect(res.body).toMatchObject({
        full_name_latin: name,
        full_name_khmer: 'ចាន់ សុភា',
        id_card_type: 'passport',
        id_number: idNumber,
        phone: '+855 12 345 678',
        date_of_birth: '1990-04-17',
        sex: 'female',
        marital_status: 'married',
        employer_name: null,
        monthly_income: 1500.5,
        income_source: 'business',
        branch_id: branchA.id,
        department_id: null,
        created_by: officerA.user.id,
        version: 1,
      });
      expect(res.body.customer_code).toMatch(/^CUS-\d{8}$/);
      expect(res.headers.etag).toBe('"1"');
      expect(res.text).not.toContain('v1:');

      const [event] = await auditRows(t, { entityId: res.body.id, action: 'customer.created' });
      expect(event).toMatchObject({
        actor_id: officerA.user.id,
        entity_type: 'customer',
        branch_id: branchA.id,
        details: { customer_code: res.body.customer_code, id_card_type: 'passport' },
      });
      expect(JSON.stringify(event.details)).not.toContain(idNumber);

      const second = await createCustomer(officerA, {
        full_name_latin: null,
        full_name_khmer: 'សុខ',
      });
      expect(second.customer_code).not.toBe(res.body.customer_code);
      expect(second).toMatchObject({ full_name_latin: null, monthly_income: null, phone: null });
    });

    it('stores the id number encrypted (v1:...) with a keyed hash, never in clear', async () => {
      const idNumber = newCustomerIdNumber();
      const customer = await createCustomer(officerA, { id_number: idNumber });
      const [row] = await t.dataSource.query(
        'SELECT id_number, id_number_hash FROM customers WHERE id = $1',
        [customer.id],
      );
      expect(row.id_number).not.toBe(idNumber);
      expect(row.id_number.startsWith('v1:')).toBe(true);
      expect(row.id_number).not.toContain(idNumber);
      expect(row.id_number_hash).toMatch(/^[0-9a-f]{64}$/);
      const read = await as(officerA).get(customer.id);
      expect(read.body.id_number).toBe(idNumber);
      expect(read.text).not.toContain(row.id_number);
      expect(read.text).not.toContain(row.id_number_hash);
    });

    it('replays a create sent again with the same Idempotency-Key', async () => {
      const key = randomUUID();
      const body = newCustomerBody();
      const send = () =>
        t.http
          .post(url())
          .set('Authorization', officerA.bearer)
          .set('Idempotency-Key', key)
          .send(body);
      const first = await send();
      const again = await send();
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
    });

    it('refuses invalid bodies (422), naming the field', async () => {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ full_name_latin: undefined }, 'full_name_latin', /at least one name/],
        [{ full_name_latin: '', full_name_khmer: '  ' }, 'full_name_latin', /at least one name/],
        [{ id_card_type: 'library-card' }, 'id_card_type', /cambodian_identity.*passport/],
        [{ id_card_type: undefined }, 'id_card_type', /must be one of/],
        [{ id_number: undefined }, 'id_number', /./],
        [{ id_number: ' - - ' }, 'id_number', /letters or digits/],
        [{ id_number: 'x'.repeat(51) }, 'id_number', /50/],
        [{ date_of_birth: '1990-02-30' }, 'date_of_birth', /YYYY-MM-DD/],
        [{ date_of_birth: '17/04/1990' }, 'date_of_birth', /YYYY-MM-DD/],
        [{ monthly_income: -1 }, 'monthly_income', /0 or more/],
        [{ monthly_income: '12.345' }, 'monthly_income', /two decimals/],
        [{ sex: 'unknown' }, 'sex', /male, female, other/],
        [{ marital_status: 'engaged' }, 'marital_status', /single/],
        [{ phone: 'call me' }, 'phone', /digits/],
        [{ colour: 'red' }, 'colour', /is not an allowed field/],
        [{ current_address: 'a'.repeat(100_000) }, 'current_address', /1000/],
        [{ full_name_latin: 'n'.repeat(100_000) }, 'full_name_latin', /200/],
      ];
      for (const [fields, field, msg] of cases) {
        const res = await as(officerA).post(newCustomerBody(fields));
        expectProblem(res, 422);
        const error = res.body.errors.find((e: { loc: string[] }) => e.loc[1] === field);
        expect({ fields: Object.keys(fields), error }).toMatchObject({
          error: { loc: ['body', field], msg: expect.stringMatching(msg) },
        });
      }
      const catalogue = await as(officerA).post(newCustomerBody({ id_card_type: 'library-card' }));
      expect(catalogue.body.errors[0].type).toBe('inCatalog');
      expect(catalogue.body.detail).toMatch(/^id_card_type: must be one of: cambodian_identity/);
    });

    it('refuses fields only the server writes (422 naming each)', async () => {
      for (const field of [
        'id',
        'customer_code',
        'branch_id',
        'department_id',
        'created_by',
        'version',
        'id_number_hash',
      ]) {
        const value = field === 'version' ? 3 : randomUUID();
        const res = await as(officerA).post(newCustomerBody({ [field]: value }));
        expectProblem(res, 422);
        expect(res.body.errors).toEqual([
          { loc: ['body', field], msg: 'is written by the server only', type: 'serverField' },
        ]);
      }
      const customer = await createCustomer(officerA);
      const patch = await as(officerA).patch(customer.id, { branch_id: branchB.id });
      expectProblem(patch, 422);
      expect(patch.body.errors[0].loc).toEqual(['body', 'branch_id']);
    });

    it('refuses a second customer with the same identity (409), whatever its spelling or branch', async () => {
      const customer = await createCustomer(officerA, { id_number: 'AB-12 34 C' + tag() });
      const plain = customer.id_number;
      const compact = plain.replace(/[\s-]/g, '');
      const variants = [
        plain,
        compact,
        compact.toLowerCase(),
        ` ${compact.slice(0, 2)} - ${compact.slice(2)} `,
        `${compact.slice(0, 3)}–${compact.slice(3)}`, // en dash
      ];
      for (const idNumber of variants) {
        for (const caller of [officerA, officerB, admin]) {
          const res = await as(caller).post(newCustomerBody({ id_number: idNumber }));
          expectProblem(res, 409);
          expect(res.body.detail).toBe(
            'A customer with this ID card type and ID number is already registered. Search for ' +
              'the existing customer instead of creating a new one.',
          );
          expect(res.text).not.toContain(customer.customer_code);
          expect(res.text).not.toContain(customer.id);
          expect(res.text).not.toContain(branchA.id);
          expect(res.text).not.toContain(customer.full_name_latin!);
        }
      }
      // Another card type with the same number is another identity.
      await createCustomer(officerA, { id_card_type: 'passport', id_number: plain });
      const [{ count }] = await t.dataSource.query(
        'SELECT count(*)::int AS count FROM customers WHERE id_card_type = $1 AND id_number_hash = (SELECT id_number_hash FROM customers WHERE id = $2)',
        ['cambodian_identity', customer.id],
      );
      expect(count).toBe(1);
    });
  });

  describe('read and update', () => {
    it('reads one with its ETag; 404 for unknown, 422 for a malformed id', async () => {
      const customer = await createCustomer(officerA);
      const res = await as(officerA).get(`${customer.id}/`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(customer);
      expect(res.headers.etag).toBe('"1"');
      const unknown = await as(admin).get(randomUUID());
      expectProblem(unknown, 404);
      expect(unknown.body.detail).toBe('Customer not found.');
      const malformed = await as(admin).get('not-a-uuid');
      expectProblem(malformed, 422);
      expect(malformed.body.errors[0].loc).toEqual(['path', 'id']);
    });

    it('updates partially, honours If-Match (412 when stale) and audits the field names', async () => {
      const customer = await createCustomer(officerA, {
        phone: '012 111 222',
        occupation: 'Farmer',
        monthly_income: 300,
      });
      const patched = await as(officerA).patch(
        customer.id,
        { phone: '+855 99 888 777', occupation: '' },
        '"1"',
      );
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        phone: '+855 99 888 777',
        occupation: null,
        monthly_income: 300,
        full_name_latin: customer.full_name_latin,
        id_number: customer.id_number,
        version: 2,
      });
      expect(patched.headers.etag).toBe('"2"');

      const stale = await as(officerA).patch(customer.id, { occupation: 'Late' }, '"1"');
      expectProblem(stale, 412);
      expect(stale.body.current_version).toBe(2);
      expect((await as(officerA).get(customer.id)).body.occupation).toBeNull();

      // The same values again (money by amount) change nothing: no new version.
      const same = await as(officerA).patch(customer.id, {
        phone: '+855 99 888 777',
        monthly_income: '300.00',
      });
      expect(same.body.version).toBe(2);

      const [event] = await t.dataSource.query(
        `SELECT actor_id, details FROM audit_events WHERE entity_id = $1 AND action = 'customer.updated'`,
        [customer.id],
      );
      expect(event).toEqual({
        actor_id: officerA.user.id,
        details: { fields: ['phone', 'occupation'] },
      });
    });

    it('refuses invalid updates (422): no name left, cleared id, bad values', async () => {
      const customer = await createCustomer(officerA, { full_name_khmer: null });
      for (const body of [
        { full_name_latin: null },
        { full_name_latin: '' },
        { id_number: null },
        { id_number: '' },
        { id_card_type: null },
        { id_card_type: 'library-card' },
        { monthly_income: -5 },
        { date_of_birth: '2020-13-01' },
      ]) {
        expectProblem(await as(officerA).patch(customer.id, body), 422);
      }
      // With a Khmer name given, the Latin one may go.
      const swapped = await as(officerA).patch(customer.id, {
        full_name_latin: null,
        full_name_khmer: 'សុខ',
      });
      expect(swapped.body).toMatchObject({ full_name_latin: null, full_name_khmer: 'សុខ' });
    });

    it('re-encrypts and re-hashes a new id number; a taken one is 409', async () => {
      const customer = await createCustomer(officerA);
      const other = await createCustomer(officerB);
      const [before] = await t.dataSource.query(
        'SELECT id_number, id_number_hash FROM customers WHERE id = $1',
        [customer.id],
      );
      const newNumber = newCustomerIdNumber();
      const res = await as(officerA).patch(customer.id, { id_number: newNumber });
      expect(res.body).toMatchObject({ id_number: newNumber, version: 2 });
      const [after] = await t.dataSource.query(
        'SELECT id_number, id_number_hash FROM customers WHERE id = $1',
        [customer.id],
      );
      expect(after.id_number).not.toBe(before.id_number);
      expect(after.id_number_hash).not.toBe(before.id_number_hash);
      expect(after.id_number).not.toContain(newNumber);
      expect(pageIds(await as(officerA).list({ search: newNumber.toLowerCase() }))).toEqual([
        customer.id,
      ]);
      expect(pageIds(await as(officerA).list({ search: customer.id_number }))).toEqual([]);

      // Its own number written differently is no conflict.
      const respelled = await as(officerA).patch(customer.id, {
        id_number: newNumber.toLowerCase(),
      });
      expect(respelled.status).toBe(200);
      const taken = await as(officerA).patch(customer.id, { id_number: other.id_number });
      expectProblem(taken, 409);
      expect(taken.body.detail).toMatch(/already registered/);
      const [event] = await auditRows(t, { entityId: customer.id, action: 'customer.updated' });
      expect(event.details).toEqual({ fields: ['id_number'] });
    });
  });

  describe('scope', () => {
    let ownA: CustomerBody;
    let peerA: CustomerBody;
    let ownB: CustomerBody;

    beforeAll(async () => {
      ownA = await createCustomer(officerA, { phone: '+855 10 000 001' });
      peerA = await createCustomer(officerA2);
      ownB = await createCustomer(officerB);
    });

    const listed = async (caller: Actor) => pageIds(await as(caller).list({ size: 100 }));

    it('lists what each role may see', async () => {
      const everyone = [ownA.id, peerA.id, ownB.id];
      const expected: [Actor, string[], string[]][] = [
        [admin, everyone, []],
        [managerA, [ownA.id, peerA.id], [ownB.id]],
        [viewerA, [ownA.id, peerA.id], [ownB.id]],
        [officerA, [ownA.id], [peerA.id, ownB.id]],
        [officerB, [ownB.id], [ownA.id, peerA.id]],
      ];
      for (const [caller, visible, hidden] of expected) {
        const seen = await listed(caller);
        expect(seen).toEqual(expect.arrayContaining(visible));
        for (const id of hidden) expect(seen).not.toContain(id);
      }
    });

    it('answers 404 for a customer of another branch, on every route', async () => {
      for (const caller of [managerA, officerA, viewerA]) {
        expectProblem(await as(caller).get(ownB.id), 404);
        expectProblem(await as(caller).applications(ownB.id), 404);
      }
      for (const caller of [managerA, officerA]) {
        const res = await as(caller).patch(ownB.id, { occupation: 'x' });
        expectProblem(res, 404);
        expect(res.body.detail).toBe('Customer not found.');
      }
      expectProblem(await as(officerA).get(peerA.id), 404);
      expect((await as(managerA).get(peerA.id)).status).toBe(200);
      expect((await as(managerA).patch(peerA.id, { occupation: 'Teacher' })).status).toBe(200);
      expect((await as(admin).get(ownB.id)).status).toBe(200);
    });

    it('never returns an out-of-scope customer from a search, not even an exact id number', async () => {
      for (const search of [ownB.id_number, ownB.id_number.toLowerCase(), ownB.full_name_latin!]) {
        const res = await as(managerA).list({ search });
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(0);
        expect(pageIds(await as(admin).list({ search }))).toEqual([ownB.id]);
      }
    });

    it('lets viewers read but not write (403)', async () => {
      expect((await as(viewerA).get(ownA.id)).status).toBe(200);
      expectProblem(await as(viewerA).post(newCustomerBody()), 403);
      expectProblem(await as(viewerA).patch(ownA.id, { occupation: 'x' }), 403);
    });

    it('shows a customer to whoever may see one of its applications', async () => {
      const elsewhere = await createCustomer(officerB);
      expectProblem(await as(officerA).get(elsewhere.id), 404);
      await insertApplication({
        userId: officerA.user.id,
        customerId: elsewhere.id,
        branchId: branchA.id,
      });
      expect((await as(officerA).get(elsewhere.id)).status).toBe(200);
      expect(pageIds(await as(officerA).list({ search: elsewhere.id_number }))).toEqual([
        elsewhere.id,
      ]);
      // Seeing is not editing: officers edit only the customers they registered.
      const edit = await as(officerA).patch(elsewhere.id, { occupation: 'x' });
      expectProblem(edit, 403);
      expect(edit.body.detail).toContain('only the customers they registered');
      expect((await as(officerB).patch(elsewhere.id, { occupation: 'Farmer' })).status).toBe(200);
      expect((await as(managerA).get(elsewhere.id)).status).toBe(200);
      expectProblem(await as(officerA2).get(elsewhere.id), 404);
    });

    it('scopes a manager without a branch to their department', async () => {
      const deptManager = await t.signIn({ role: 'manager', departmentId: departmentA.id });
      const deptOfficer = await t.signIn({ role: 'officer', departmentId: departmentA.id });
      const inDepartment = await createCustomer(deptOfficer);
      expect(inDepartment.department_id).toBe(departmentA.id);
      expect((await as(deptManager).get(inDepartment.id)).status).toBe(200);
      expectProblem(await as(deptManager).get(ownA.id), 404);
    });
  });

  describe('list and search', () => {
    it('finds by name fragment, phone and exact id number; filters; newest first', async () => {
      const family = `Keo${tag()}`;
      const first = await createCustomer(officerA, {
        full_name_latin: `${family} Bopha`,
        phone: '+855 77 123 456',
      });
      const second = await createCustomer(officerA, {
        full_name_latin: null,
        full_name_khmer: `កែវ ${family}`,
        id_card_type: 'passport',
      });
      const a = as(officerA);
      expect(pageIds(await a.list({ search: family.toLowerCase() }))).toEqual([
        second.id,
        first.id,
      ]);
      expect(pageIds(await a.list({ search: `${family} bop` }))).toEqual([first.id]);
      expect(pageIds(await a.list({ search: '77 123 456' }))).toContain(first.id);
      expect(pageIds(await a.list({ search: first.id_number }))).toEqual([first.id]);
      const spaced = `${first.id_number.slice(0, 4)} ${first.id_number.slice(4).toLowerCase()}`;
      expect(pageIds(await a.list({ search: spaced }))).toEqual([first.id]);
      // A partial id number is no match: only exact numbers are searchable.
      expect(pageIds(await a.list({ search: first.id_number.slice(0, 6) }))).toEqual([]);
      // LIKE wildcards match themselves.
      expect((await a.list({ search: '%' })).body.total).toBe(0);
      expect((await a.list({ search: '_' })).body.total).toBe(0);

      expect(pageIds(await a.list({ search: family, id_card_type: 'passport' }))).toEqual([
        second.id,
      ]);
      expect(pageIds(await a.list({ search: family, branch_id: branchB.id }))).toEqual([]);
      expect(pageIds(await a.list({ search: family, branch_id: branchA.id }))).toHaveLength(2);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect(pageIds(await a.list({ search: family, updated_since: future }))).toEqual([]);
      expect(
        pageIds(await a.list({ search: family, updated_since: '2020-01-01T00:00:00Z' })),
      ).toHaveLength(2);

      const page = await a.list({ search: family, size: 1, page: 2 });
      expect(page.body).toMatchObject({ total: 2, page: 2, size: 1, pages: 2 });
      expect(pageIds(page)).toEqual([first.id]);
      expect(page.body.items[0].id_number).toBe(first.id_number);
    });

    it('refuses malformed filters (422)', async () => {
      const queries: Record<string, string | number>[] = [
        { branch_id: 'x' },
        { updated_since: 'yesterday' },
        // Issue 10: a time without an offset is 422 on every list.
        { updated_since: '2020-01-01T00:00:00' },
        { page: 0 },
        { search: 's'.repeat(101) },
      ];
      for (const query of queries) {
        expectProblem(await as(officerA).list(query), 422);
      }
      expect((await t.http.get(url('/')).set('Authorization', officerA.bearer)).status).toBe(200);
    });
  });

  describe('applications of a customer', () => {
    it('lists the applications the caller may see, newest first, as summaries', async () => {
      const customer = await createCustomer(officerA);
      const older = await insertApplication({
        userId: officerA.user.id,
        customerId: customer.id,
        branchId: branchA.id,
        createdAt: '2025-01-01T00:00:00Z',
      });
      const newer = await insertApplication({
        userId: officerA.user.id,
        customerId: customer.id,
        branchId: branchA.id,
        status: 'submitted',
        requestedAmount: '1500.50',
      });
      const inB = await insertApplication({
        userId: officerB.user.id,
        customerId: customer.id,
        branchId: branchB.id,
      });
      const unrelated = await createCustomer(officerA);
      await insertApplication({
        userId: officerA.user.id,
        customerId: unrelated.id,
        branchId: branchA.id,
      });

      const mine = await as(officerA).applications(customer.id);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ total: 2, page: 1, size: 10, pages: 1 });
      expect(pageIds(mine)).toEqual([newer, older]);
      expect(Object.keys(mine.body.items[0]).sort()).toEqual(
        [
          'id',
          'status',
          'currency',
          'requested_amount',
          'loan_amount',
          'product_type',
          'desired_loan_term',
          'priority_level',
          'created_at',
          'submitted_at',
          'approved_at',
        ].sort(),
      );
      expect(mine.body.items[0]).toMatchObject({
        status: 'submitted',
        currency: 'USD',
        requested_amount: 1500.5,
        loan_amount: null,
        priority_level: 'normal',
        submitted_at: null,
      });
      expect(mine.body.items[1].created_at).toBe('2025-01-01T00:00:00.000Z');

      expect(pageIds(await as(admin).applications(customer.id))).toEqual(
        expect.arrayContaining([newer, older, inB]),
      );
      // Officer B sees the customer through their own application, and only that one.
      expect(pageIds(await as(officerB).applications(customer.id))).toEqual([inB]);
      const paged = await as(admin).applications(customer.id, { size: 1, page: 3 });
      expect(paged.body).toMatchObject({ total: 3, pages: 3 });
      expect(pageIds(paged)).toEqual([older]);
      expectProblem(await as(officerA2).applications(customer.id), 404);
      expectProblem(await as(admin).applications(randomUUID()), 404);
    });
  });

  describe('linkOrCreate (for the applications module)', () => {
    const service = () => t.app.get(CustomersService);
    const txHost = () => t.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    /** Each call in its own request context and transaction, as a request would run it. */
    const inTransaction = <T>(work: () => Promise<T>): Promise<T> =>
      t.app.get(ClsService).run(() => txHost().withTransaction(work));

    it('creates one customer for concurrent links of one identity', async () => {
      const idNumber = newCustomerIdNumber();
      const creator = {
        id: officerA.user.id,
        role: 'officer' as const,
        branchId: branchA.id,
        departmentId: null,
      };
      const spellings = [idNumber, idNumber.toLowerCase(), ` ${idNumber} `, idNumber, idNumber];
      // Every transaction holds its connection before any of them looks for the customer, so
      // that all of them find none and race to insert it.
      let opened = 0;
      let openAll: () => void = () => undefined;
      const allOpen = new Promise<void>((resolve) => (openAll = resolve));
      const results = await Promise.all(
        spellings.map((spelling) =>
          inTransaction(async () => {
            await txHost().tx.query('SELECT 1');
            if (++opened === spellings.length) openAll();
            await allOpen;
            return service().linkOrCreate(
              {
                idCardType: 'cambodian_identity',
                idNumber: spelling,
                fullNameLatin: 'Concurrent Borrower',
                monthlyIncome: '250.00',
              },
              creator,
              { id: randomUUID(), customerId: null },
            );
          }),
        ),
      );
      expect(new Set(results).size).toBe(1);
      const rows = await t.dataSource.query(
        `SELECT id, branch_id, created_by, full_name_latin, monthly_income FROM customers
          WHERE full_name_latin = 'Concurrent Borrower'`,
      );
      expect(rows).toEqual([
        {
          id: results[0],
          branch_id: branchA.id,
          created_by: officerA.user.id,
          full_name_latin: 'Concurrent Borrower',
          monthly_income: '250.00',
        },
      ]);
      const [{ count }] = await t.dataSource.query(
        `SELECT count(*)::int AS count FROM audit_events
          WHERE entity_id = $1 AND action = 'customer.created'`,
        [results[0]],
      );
      expect(count).toBe(1);
      const read = await as(officerA).get(results[0]);
      // Stored as the winner wrote it, trimmed.
      expect([idNumber, idNumber.toLowerCase()]).toContain(read.body.id_number);
    });

    it("links an existing customer of the linker's branch without changing it; another branch's is 409", async () => {
      const customer = await createCustomer(officerA2, { phone: '+855 12 000 000' });
      const given = {
        idCardType: customer.id_card_type,
        idNumber: customer.id_number.toLowerCase(),
        fullNameLatin: 'Someone Else',
        phone: '+855 99 999 999',
      };
      const linker = (who: Actor) => ({
        id: who.user.id,
        role: who.user.role,
        branchId: who.user.branchId,
        departmentId: null,
      });
      const linked = await inTransaction(() =>
        service().linkOrCreate(given, linker(officerA), { id: randomUUID(), customerId: null }),
      );
      expect(linked).toBe(customer.id);
      await expect(
        inTransaction(() =>
          service().linkOrCreate(given, linker(officerB), { id: randomUUID(), customerId: null }),
        ),
      ).rejects.toMatchObject({ status: 409 });
      expect((await as(admin).get(customer.id)).body).toEqual(customer);
    });

    it('refuses an id number with no letters or digits', async () => {
      await expect(
        inTransaction(() =>
          service().linkOrCreate(
            { idCardType: 'passport', idNumber: ' -- ' },
            { id: officerA.user.id, role: 'officer', branchId: null, departmentId: null },
            { id: randomUUID(), customerId: null },
          ),
        ),
      ).rejects.toBeInstanceOf(ValidationProblem);
    });
  });
});
