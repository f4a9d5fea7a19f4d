import { LISTENER_NAME } from '../../src/database/database-notifications';
import { DEFAULT_CATALOGS, SETTINGS } from '../../src/settings/settings-registry';
import { auditRows } from '../harness/audit';
import { errorLocs, expectProblem } from '../harness/expect';
import { requestsAs, resourceAs } from '../harness/http';
import { type NonAdminRole, signInEveryRole } from '../harness/identity';
import { tag } from '../harness/unique';
import { newUserBody } from '../harness/users-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';

/** SPEC §7 "Settings", end to end over a real database (and two instances on one database). */
describe('Settings', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let others: Record<NonAdminRole, string>;

  beforeAll(async () => {
    t = await createTestApp();
    ({ admin, adminId, others } = await signInEveryRole(t.app));
  });
  afterAll(() => t?.close());

  const url = (suffix = '') => `/api/v1/settings${suffix}`;
  const FULL_FIELDS = [
    'id',
    'key',
    'value',
    'category',
    'description',
    'is_public',
    'created_by',
    'updated_by',
    'created_at',
    'updated_at',
  ].sort();
  const RISK_WEIGHTS = SETTINGS.risk_weights.default as Record<string, number>;
  const GROUPED_FIELDS = ['id', 'value', 'description', 'is_public', 'created_at', 'updated_at'];

  const settings = (bearer: string) => resourceAs(t, bearer, '/settings');
  const get = (key: string, bearer = admin) => settings(bearer).get(key);
  const put = (key: string, body: Record<string, unknown>, bearer = admin) =>
    settings(bearer).put(key, body);
  const bulk = (body: unknown, bearer = admin) => settings(bearer).patch('bulk', body as object);
  const remove = (key: string, bearer = admin) => settings(bearer).delete(key);
  const create = (body: Record<string, unknown>, bearer = admin) => settings(bearer).post(body);

  async function valueOf(key: string): Promise<unknown> {
    const res = await get(key);
    expect(res.status).toBe(200);
    return res.body.value;
  }

  /** Puts a known key back to its default (for the tests that change what the server obeys). */
  async function reset(...keys: string[]): Promise<void> {
    for (const key of keys) expect((await remove(key)).status).toBe(200);
  }

  describe('access', () => {
    it('refuses anonymous callers with 401 on every route', async () => {
      const calls = [
        t.http.get(url()),
        t.http.get(url('/categories')),
        t.http.get(url('/app_name')),
        t.http.post(url()).send({ key: 'x', value: 1 }),
        t.http.put(url('/app_name')).send({ value: 'x' }),
        t.http.patch(url('/bulk')).send({ app_name: 'x' }),
        t.http.delete(url('/app_name')),
        t.http.post(url('/initialize')),
      ];
      for (const call of calls) {
        const res = await call;
        expectProblem(res, 401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    });

    it('lets every role read, and refuses writes by managers, officers and viewers (403)', async () => {
      for (const bearer of Object.values(others)) {
        expect((await t.http.get(url()).set('Authorization', bearer)).status).toBe(200);
        expect((await t.http.get(url('/categories')).set('Authorization', bearer)).status).toBe(
          200,
        );
        expect((await get('app_name', bearer)).status).toBe(200);
        const writes = [
          create({ key: `x_${tag()}`, value: 1 }, bearer),
          put('app_name', { value: 'Hijacked' }, bearer),
          bulk({ app_name: 'Hijacked' }, bearer),
          remove('app_name', bearer),
          t.http.post(url('/initialize')).set('Authorization', bearer),
        ];
        for (const write of writes) expectProblem(await write, 403);
      }
      expect(await valueOf('app_name')).toBe('LC Workflow System');
    });
  });

  describe('OpenAPI', () => {
    it('documents every route with its operationId, summary, security and problem answers', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      const operations: [string, string, string, string[]][] = [
        ['/api/v1/settings', 'get', 'settings_list', ['422']],
        ['/api/v1/settings/categories', 'get', 'settings_categories', []],
        ['/api/v1/settings/{key}', 'get', 'settings_get', ['404', '422']],
        ['/api/v1/settings', 'post', 'settings_create', ['409', '422']],
        ['/api/v1/settings/{key}', 'put', 'settings_put', ['422']],
        ['/api/v1/settings/bulk', 'patch', 'settings_bulk', ['422']],
        ['/api/v1/settings/{key}', 'delete', 'settings_delete', ['404', '409', '422']],
        ['/api/v1/settings/initialize', 'post', 'settings_initialize', []],
      ];
      for (const [path, method, operationId, problems] of operations) {
        const operation = doc.paths[path][method];
        expect(operation.operationId).toBe(operationId);
        expect(operation.summary).toEqual(expect.any(String));
        expect(operation.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
        for (const status of ['401', '403', ...problems]) {
          expect(operation.responses[status].content['application/problem+json']).toBeDefined();
        }
      }
      const remove = doc.paths['/api/v1/settings/{key}'].delete;
      expect(Object.keys(remove.responses)).toEqual(expect.arrayContaining(['200', '204']));
      expect(remove.description).toContain('reset to its default');
      expect(doc.paths['/api/v1/settings/{key}'].put.description).toContain(
        'fixed by the registry',
      );
      expect(doc.paths['/api/v1/settings/categories'].get.summary).toContain('you may see');
      expect(doc.components.schemas.CreateSettingDto.properties.value.oneOf).toBeDefined();
    });
  });

  describe('GET /settings', () => {
    it('groups every setting by category for an admin, with the contract fields', async () => {
      const res = await t.http.get(url()).set('Authorization', admin);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(
        expect.arrayContaining([
          'applications',
          'catalog',
          'general',
          'notifications',
          'security',
          'users',
        ]),
      );
      for (const [key, definition] of Object.entries(SETTINGS)) {
        expect(res.body[definition.category][key]).toBeDefined();
      }
      const item = res.body.security.password_min_length;
      expect(Object.keys(item).sort()).toEqual([...GROUPED_FIELDS].sort());
      expect(item).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        value: 8,
        description: 'Minimum password length',
        is_public: true,
      });
      expect(new Date(item.updated_at).toISOString()).toBe(item.updated_at);
      expect(res.body.applications.approval_limits).toMatchObject({
        is_public: false,
        value: { admin: { USD: null, KHR: null }, manager: { USD: 10000, KHR: 41000000 } },
      });
      expect(res.body.catalog['catalog.product_types'].value).toContainEqual({
        value: 'biweekly_loan',
        label: 'បង់ប្រចាំ ២សប្តាហ៍',
      });
    });

    it('shows non-admins only the public settings', async () => {
      for (const bearer of Object.values(others)) {
        const res = await t.http.get(url()).set('Authorization', bearer);
        expect(res.status).toBe(200);
        const items = Object.values(res.body as Record<string, Record<string, unknown>>).flatMap(
          (group) => Object.values(group),
        ) as { is_public: boolean }[];
        expect(items.length).toBeGreaterThan(0);
        expect(items.every((item) => item.is_public)).toBe(true);
        expect(res.body.security.password_min_length.value).toBe(8);
        expect(res.body.applications).toBeUndefined();
        expect(res.body.users).toBeUndefined();
        expect(Object.keys(res.body).sort()).toEqual(['catalog', 'general', 'security']);
      }
    });

    it('filters by category, answers {} for an unknown one, and 422 for an invalid name', async () => {
      const security = await t.http.get(url('?category=security')).set('Authorization', admin);
      expect(Object.keys(security.body)).toEqual(['security']);
      expect(Object.keys(security.body.security)).toContain('password_min_length');

      const hidden = await t.http
        .get(url('?category=applications'))
        .set('Authorization', others.viewer);
      expect(hidden.status).toBe(200);
      expect(hidden.body).toEqual({});

      const none = await t.http.get(url('?category=nothing_here')).set('Authorization', admin);
      expect(none.body).toEqual({});

      const all = await t.http.get(url('/?category=')).set('Authorization', admin);
      expect(Object.keys(all.body)).toContain('security');

      const invalid = await t.http.get(url('?category=Not%20Valid')).set('Authorization', admin);
      expectProblem(invalid, 422);
      expect(errorLocs(invalid)).toEqual(['query.category']);
    });
  });

  describe('GET /settings/categories', () => {
    it('lists the categories the caller may see', async () => {
      const forAdmin = await t.http.get(url('/categories')).set('Authorization', admin);
      expect(forAdmin.status).toBe(200);
      expect(forAdmin.body).toEqual(
        expect.arrayContaining([
          'applications',
          'catalog',
          'general',
          'notifications',
          'security',
          'users',
        ]),
      );
      const forManager = await t.http.get(url('/categories')).set('Authorization', others.manager);
      expect(forManager.body).toEqual(['catalog', 'general', 'security']);
    });
  });

  describe('GET /settings/{key}', () => {
    it('answers the setting with the contract fields', async () => {
      const res = await get('approval_limits');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(FULL_FIELDS);
      expect(res.body).toMatchObject({
        key: 'approval_limits',
        category: 'applications',
        is_public: false,
        value: { manager: { USD: 10000, KHR: 41000000 } },
        description: expect.stringContaining('Approval authority'),
      });
      const catalogue = await get('catalog.id_card_types', others.officer);
      expect(catalogue.status).toBe(200);
      expect(catalogue.body.value[0]).toEqual({
        value: 'cambodian_identity',
        label: 'អត្តសញ្ញាណប័ណ្ណសញ្ជាតិខ្មែរ',
      });
    });

    it('is 404 for a missing key, and for a non-public key asked by a non-admin', async () => {
      expectProblem(await get('no_such_setting'), 404);
      const publicOne = await get('password_min_length', others.manager);
      expect(publicOne.status).toBe(200);
      expect(publicOne.body.value).toBe(8);
      for (const bearer of Object.values(others)) {
        const res = await get('approval_limits', bearer);
        expectProblem(res, 404);
        // The same answer as for a key that does not exist.
        expect(res.body.detail).toBe('No setting "approval_limits".');
        expect((await get('no_such_setting', bearer)).body.detail).toBe(
          'No setting "no_such_setting".',
        );
      }
    });

    it('is 422 for a malformed key', async () => {
      for (const key of ['Bad-Key', 'a.b.c', `k${'x'.repeat(100)}`]) {
        const res = await get(key);
        expectProblem(res, 422);
        expect(errorLocs(res)).toEqual(['path.key']);
      }
    });
  });

  describe('POST /settings', () => {
    it('creates an unknown key (category general, not public), with its author, and audits it', async () => {
      const key = `company_fax_${tag()}`;
      const res = await create({ key, value: '+855 23 000 000' });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(FULL_FIELDS);
      expect(res.body).toMatchObject({
        key,
        value: '+855 23 000 000',
        category: 'general',
        description: null,
        is_public: false,
        created_by: adminId,
        updated_by: adminId,
      });
      expect(await valueOf(key)).toBe('+855 23 000 000');
      expectProblem(await get(key, others.manager), 404);

      const [event] = await auditRows(t, { entityId: key, action: 'setting.created' });
      expect(event).toMatchObject({
        actor_id: adminId,
        actor_role: 'admin',
        entity_type: 'setting',
        details: { key, from: null, to: '+855 23 000 000' },
      });
    });

    it('takes category, description and visibility for an unknown key', async () => {
      const key = `branding_${tag()}`;
      const res = await create({
        key,
        value: { colour: '#004080' },
        category: 'branding',
        description: 'Colours of the web app',
        is_public: true,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ category: 'branding', is_public: true });
      const forManager = await get(key, others.manager);
      expect(forManager.body.value).toEqual({ colour: '#004080' });
      const categories = await t.http.get(url('/categories')).set('Authorization', others.manager);
      expect(categories.body).toContain('branding');
    });

    it('groups keys and categories named like Object members as plain data', async () => {
      expect((await create({ key: 'constructor', value: 1, category: 'constructor' })).status).toBe(
        201,
      );
      const res = await t.http.get(url('?category=constructor')).set('Authorization', admin);
      expect(res.body).toEqual({
        constructor: { constructor: expect.objectContaining({ value: 1 }) },
      });
      expect((await remove('constructor')).status).toBe(204);
    });

    it('stores any JSON value, null included', async () => {
      for (const value of [null, 0, false, '', [], [1, 'two', { three: 3 }], { a: { b: null } }]) {
        const key = `any_${tag()}`;
        const res = await create({ key, value });
        expect(res.status).toBe(201);
        expect(res.body.value).toEqual(value);
        expect(await valueOf(key)).toEqual(value);
      }
    });

    it('is 409 for a key that exists, known keys included', async () => {
      const key = `twice_${tag()}`;
      expect((await create({ key, value: 1 })).status).toBe(201);
      const again = await create({ key, value: 2 });
      expectProblem(again, 409);
      expect(again.body.detail).toContain('PUT');
      expect(await valueOf(key)).toBe(1);
      expectProblem(await create({ key: 'password_min_length', value: 10 }), 409);
      expect(await valueOf('password_min_length')).toBe(8);
    });

    it('refuses invalid bodies with 422 naming each field', async () => {
      const bad = await create({
        key: 'Not A Key',
        value: 1,
        category: 'Not Valid!',
        description: 'd'.repeat(1001),
        is_public: 'yes',
      });
      expectProblem(bad, 422);
      expect(errorLocs(bad).sort()).toEqual(
        ['body.category', 'body.description', 'body.is_public', 'body.key'].sort(),
      );

      const missing = await create({});
      expectProblem(missing, 422);
      expect(errorLocs(missing).sort()).toEqual(['body.key', 'body.value']);

      const unknownField = await create({ key: `k_${tag()}`, value: 1, colour: 'red' });
      expectProblem(unknownField, 422);
      expect(unknownField.body.errors).toContainEqual({
        loc: ['body', 'colour'],
        msg: 'is not an allowed field',
        type: 'unknown_field',
      });

      for (const category of ['1abc', 'x'.repeat(51), 'with-dash', 7]) {
        const res = await create({ key: `k_${tag()}`, value: 1, category });
        expectProblem(res, 422);
        expect(errorLocs(res)).toEqual(['body.category']);
      }
      for (const key of ['catalog.a.b', 'x'.repeat(101), '_hidden', 'constructor.x.y', 42]) {
        const res = await create({ key, value: 1 });
        expectProblem(res, 422);
        expect(errorLocs(res)).toEqual(['body.key']);
      }
    });

    it('refuses a value over 64 kB of JSON with 422 (the body itself is within the limit)', async () => {
      const key = `big_${tag()}`;
      const res = await create({ key, value: 'x'.repeat(70 * 1024) });
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ loc: ['body', 'value'], msg: expect.stringContaining('64 kB') }),
      ]);
      expectProblem(await get(key), 404);
    });

    it('honours an Idempotency-Key', async () => {
      const key = `idem_${tag()}`;
      const first = await create({ key, value: 1 }).set('Idempotency-Key', `k-${key}`);
      const replay = await create({ key, value: 1 }).set('Idempotency-Key', `k-${key}`);
      expect(first.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(first.body.id);
    });
  });

  describe('PUT /settings/{key}', () => {
    it('changes a known value, records who did it and audits the change', async () => {
      const before = await get('session_timeout_minutes');
      const res = await put('session_timeout_minutes', { value: 45 });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(FULL_FIELDS);
      expect(res.body).toMatchObject({
        key: 'session_timeout_minutes',
        value: 45,
        updated_by: adminId,
        created_by: null, // seeded by the server
      });
      expect(res.body.id).toBe(before.body.id);
      const events = await auditRows(t, {
        entityId: 'session_timeout_minutes',
        action: 'setting.updated',
      });
      expect(events.at(-1)).toMatchObject({
        actor_id: adminId,
        details: { key: 'session_timeout_minutes', from: 30, to: 45 },
      });
      await reset('session_timeout_minutes');
    });

    it("keeps a known key's category, description and visibility, whatever the body says", async () => {
      const res = await put('company_name', {
        value: 'Prasac',
        category: 'elsewhere',
        description: 'Something else',
        is_public: false,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        value: 'Prasac',
        category: 'general',
        description: SETTINGS.company_name.description,
        is_public: true,
      });
      expect((await get('company_name', others.viewer)).body.value).toBe('Prasac');
      await reset('company_name');
    });

    it('changes the category, description and visibility of an unknown key, or creates it', async () => {
      const key = `motd_${tag()}`;
      const created = await put(key, { value: 'Hello' });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ key, category: 'general', is_public: false });
      expect(await auditRows(t, { entityId: key, action: 'setting.created' })).toHaveLength(1);

      const changed = await put(key, {
        value: 'Welcome',
        category: 'messages',
        description: 'Message of the day',
        is_public: true,
      });
      expect(changed.body).toMatchObject({
        value: 'Welcome',
        category: 'messages',
        description: 'Message of the day',
        is_public: true,
      });
      // "" means "not given" for the category, and "no description" for the description.
      const kept = await put(key, { value: 'Hi', category: '', description: '' });
      expect(kept.body).toMatchObject({ category: 'messages', description: null });
    });

    it('refuses known keys given a wrong type or an out-of-range value (422 on value)', async () => {
      const cases: [string, unknown, string][] = [
        ['password_min_length', 'eight', 'whole number'],
        ['password_min_length', 2, 'from 6 to 72'],
        ['password_require_special', 'yes', 'true or false'],
        ['default_user_role', 'superuser', 'one of'],
        ['timezone', 'Mars/Olympus', 'IANA'],
        ['manager_approval_threshold', 100.123, '2 decimals'],
        ['risk_thresholds', { low: 40, medium: 60 }, 'medium < low'],
        ['risk_weights', { ...RISK_WEIGHTS, term: 20 }, 'add up to 100'],
        ['catalog.loan_purposes', [], '1 to 200'],
        ['password_min_length', null, 'whole number'],
      ];
      for (const [key, value, message] of cases) {
        const res = await put(key, { value });
        expectProblem(res, 422);
        expect(res.body.errors[0]).toMatchObject({
          loc: ['body', 'value'],
          msg: expect.stringContaining(message),
        });
        expect(await valueOf(key)).toEqual(SETTINGS[key as keyof typeof SETTINGS].default);
      }
      const missing = await put('password_min_length', {});
      expectProblem(missing, 422);
      expect(errorLocs(missing)).toEqual(['body.value']);
      const malformed = await put('Bad-Key', { value: 1 });
      expectProblem(malformed, 422);
      expect(errorLocs(malformed)).toEqual(['path.key']);
    });

    it('refuses a catalogue with a value twice, and other catalogue shapes', async () => {
      const duplicate = await put('catalog.product_types', {
        value: [
          { value: 'monthly_loan', label: 'Monthly' },
          { value: 'monthly_loan', label: 'Monthly again' },
        ],
      });
      expectProblem(duplicate, 422);
      expect(duplicate.body.errors[0].msg).toContain('"monthly_loan" appears twice');
      const shape = await put('catalog.product_types', { value: ['monthly_loan'] });
      expectProblem(shape, 422);
      expect((await valueOf('catalog.product_types')) as unknown[]).toHaveLength(4);
    });

    it('keeps manager_approval_threshold and approval_limits.manager.USD in step, both ways', async () => {
      const threshold = await put('manager_approval_threshold', { value: 25000.5 });
      expect(threshold.status).toBe(200);
      expect(await valueOf('approval_limits')).toEqual({
        admin: { USD: null, KHR: null },
        manager: { USD: 25000.5, KHR: 41000000 },
      });
      const limits = await put('approval_limits', {
        value: { admin: { USD: null, KHR: null }, manager: { USD: 30000, KHR: 50000000 } },
      });
      expect(limits.status).toBe(200);
      expect(await valueOf('manager_approval_threshold')).toBe(30000);
      const events = await auditRows(t, {
        entityId: 'manager_approval_threshold',
        action: 'setting.updated',
      });
      expect(events.at(-1)?.details).toMatchObject({ from: 25000.5, to: 30000 });

      const both = await bulk({
        manager_approval_threshold: 1000,
        approval_limits: { manager: { USD: 2000 } },
      });
      expectProblem(both, 422);
      expect(errorLocs(both).sort()).toEqual(
        ['body.approval_limits', 'body.manager_approval_threshold'].sort(),
      );
      const agreeing = await bulk({
        manager_approval_threshold: 5000,
        approval_limits: { admin: { USD: null }, manager: { USD: 5000 } },
      });
      expect(agreeing.status).toBe(200);
      expect(await valueOf('manager_approval_threshold')).toBe(5000);

      await reset('approval_limits');
      expect(await valueOf('manager_approval_threshold')).toBe(10000);
      expect(await valueOf('approval_limits')).toEqual(SETTINGS.approval_limits.default);
    });
  });

  describe('PATCH /settings/bulk', () => {
    it('saves several values and answers them', async () => {
      const key = `bulk_${tag()}`;
      const res = await bulk({ email_new_application: false, [key]: [1, 2] });
      expect(res.status).toBe(200);
      expect(res.body.updated).toHaveLength(2);
      expect(res.body.updated[0]).toMatchObject({
        key: 'email_new_application',
        value: false,
        updated_by: adminId,
      });
      expect(Object.keys(res.body.updated[0]).sort()).toEqual(FULL_FIELDS);
      expect(res.body.updated[1]).toMatchObject({
        key,
        value: [1, 2],
        category: 'general',
        is_public: false,
      });
      expect(
        await auditRows(t, { entityId: 'email_new_application', action: 'setting.updated' }),
      ).toHaveLength(1);
      await reset('email_new_application');
    });

    it('is all or nothing, and names each bad key in errors[].loc', async () => {
      const fresh = `never_${tag()}`;
      const res = await bulk({
        password_min_length: 12,
        risk_weights: { ...RISK_WEIGHTS, debt_to_income: 30 },
        default_currency: 'EUR',
        password_require_numbers: 'no',
        'Bad Key': 1,
        [fresh]: 'would be new',
      });
      expectProblem(res, 422);
      expect(errorLocs(res).sort()).toEqual(
        [
          'body.Bad Key',
          'body.default_currency',
          'body.password_require_numbers',
          'body.risk_weights',
        ].sort(),
      );
      const byKey = Object.fromEntries(
        (res.body.errors as { loc: string[]; msg: string }[]).map((e) => [e.loc[1], e.msg]),
      );
      expect(byKey.risk_weights).toContain('add up to 100 (they add up to 105)');
      expect(byKey.default_currency).toContain('not in catalog.currencies: EUR');
      expect(await valueOf('password_min_length')).toBe(8);
      expectProblem(await get(fresh), 404);
    });

    it('refuses a value over 64 kB naming its key', async () => {
      const res = await bulk({ app_name: 'ok', company_address: 'x'.repeat(70 * 1024) });
      expectProblem(res, 422);
      expect(errorLocs(res)).toEqual(['body.company_address']);
      expect(await valueOf('app_name')).toBe('LC Workflow System');
    });

    it('refuses values nested too deep or holding NUL characters, never with a 5xx', async () => {
      const deep = `{"app_name": "ok", "deep_${tag()}": ${'['.repeat(40)}${']'.repeat(40)}}`;
      const res = await bulk(deep).set('Content-Type', 'application/json');
      expectProblem(res, 422);
      expect(res.body.errors[0].msg).toContain('nested at most 32 levels');
      const nul = await bulk({ company_name: 'a\u0000b', [`nul_${tag()}`]: { 'k\u0000': 1 } });
      expectProblem(nul, 422);
      expect(nul.body.errors).toHaveLength(2);
      expect(nul.body.errors[0].msg).toContain('NUL');
      const description = await create({ key: `d_${tag()}`, value: 1, description: 'a\u0000' });
      expectProblem(description, 422);
      expect(errorLocs(description)).toEqual(['body.description']);
    });

    it('refuses a body that is not an object of settings', async () => {
      for (const body of [{}, [1, 2]]) {
        const res = await bulk(body);
        expectProblem(res, 422);
        expect(errorLocs(res)).toEqual(['body']);
      }
    });

    it('checks default_currency against catalog.currencies, in the same bulk too', async () => {
      const alone = await put('default_currency', { value: 'EUR' });
      expectProblem(alone, 422);
      expect(alone.body.errors[0].msg).toContain('not in catalog.currencies: EUR');

      const withEuro = [...DEFAULT_CATALOGS['catalog.currencies'], { value: 'EUR', label: 'Euro' }];
      const together = await bulk({ 'catalog.currencies': withEuro, default_currency: 'EUR' });
      expect(together.status).toBe(200);
      expect(await valueOf('default_currency')).toBe('EUR');

      // The catalogue must keep the currency in use, and cannot be reset without it.
      const dropEuro = await put('catalog.currencies', {
        value: DEFAULT_CATALOGS['catalog.currencies'],
      });
      expectProblem(dropEuro, 422);
      expect(dropEuro.body.errors[0].msg).toContain('default_currency uses EUR');
      const resetCatalogue = await remove('catalog.currencies');
      expectProblem(resetCatalogue, 409);
      expect(resetCatalogue.body.detail).toContain('default_currency uses EUR');

      // An invalid catalogue in the same bulk is reported, never trusted (and never a 500).
      const broken = await bulk({ 'catalog.currencies': 'EUR', default_currency: 'KHR' });
      expectProblem(broken, 422);
      expect(errorLocs(broken)).toEqual(['body.catalog.currencies']);

      await reset('default_currency', 'catalog.currencies');
      expect(await valueOf('default_currency')).toBe('USD');
    });

    it('checks required_document_types against catalog.document_types', async () => {
      const unknown = await put('required_document_types', {
        value: ['borrower_photo', 'pet_photo'],
      });
      expectProblem(unknown, 422);
      expect(unknown.body.errors[0]).toMatchObject({
        loc: ['body', 'value'],
        msg: expect.stringContaining('not in catalog.document_types: pet_photo'),
      });
      const known = await put('required_document_types', {
        value: ['borrower_photo', 'land_title'],
      });
      expect(known.status).toBe(200);
      const withoutLandTitle = DEFAULT_CATALOGS['catalog.document_types'].filter(
        (entry) => entry.value !== 'land_title',
      );
      const shrink = await bulk({ 'catalog.document_types': withoutLandTitle });
      expectProblem(shrink, 422);
      expect(errorLocs(shrink)).toEqual(['body.catalog.document_types']);
      const both = await bulk({
        'catalog.document_types': withoutLandTitle,
        required_document_types: ['borrower_photo'],
      });
      expect(both.status).toBe(200);
      await reset('required_document_types', 'catalog.document_types');
    });
  });

  describe('DELETE /settings/{key}', () => {
    it('deletes an unknown key (204) and audits it', async () => {
      const key = `temporary_${tag()}`;
      expect((await create({ key, value: 'x' })).status).toBe(201);
      const res = await remove(key);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectProblem(await get(key), 404);
      const [event] = await auditRows(t, { entityId: key, action: 'setting.deleted' });
      expect(event).toMatchObject({ actor_id: adminId, details: { key, from: 'x', to: null } });
      expectProblem(await remove(key), 404);
    });

    it('resets a known key to its default instead (200 with detail), and audits the reset', async () => {
      expect((await put('password_min_length', { value: 10 })).status).toBe(200);
      const res = await remove('password_min_length');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        key: 'password_min_length',
        value: 8,
        category: 'security',
        updated_by: adminId,
        detail: expect.stringContaining('reset to its default'),
      });
      expect(Object.keys(res.body).sort()).toEqual([...FULL_FIELDS, 'detail'].sort());
      expect(await valueOf('password_min_length')).toBe(8);
      const [event] = await auditRows(t, {
        entityId: 'password_min_length',
        action: 'setting.reset',
      });
      expect(event.details).toMatchObject({ from: 10, to: 8 });
    });

    it('is 422 for a malformed key', async () => {
      const res = await remove('Bad-Key');
      expectProblem(res, 422);
      expect(errorLocs(res)).toEqual(['path.key']);
    });
  });

  describe('POST /settings/initialize', () => {
    it('creates the missing known keys with their defaults, and is idempotent', async () => {
      await t.dataSource.query(`DELETE FROM settings WHERE key IN ('risk_thresholds', 'app_name')`);
      const first = await t.http.post(url('/initialize')).set('Authorization', admin);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ created: expect.any(Array) });
      expect([...first.body.created].sort()).toEqual(['app_name', 'risk_thresholds']);
      const restored = await get('risk_thresholds');
      expect(restored.body).toMatchObject({
        value: { low: 70, medium: 50 },
        category: 'applications',
        created_by: adminId,
      });
      const [event] = await auditRows(t, { action: 'setting.initialized' });
      expect(event).toMatchObject({ actor_id: adminId });
      expect([...event.details.created].sort()).toEqual(['app_name', 'risk_thresholds']);

      const again = await t.http.post(url('/initialize')).set('Authorization', admin);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ created: [] });
    });
  });

  describe('the settings the server obeys', () => {
    const createUser = (body: Record<string, unknown>) => requestsAs(t, admin).post('/users', body);

    it('applies the password rules at once', async () => {
      expect((await createUser(newUserBody({ password: 'Abcdefgh1' }))).status).toBe(201);
      const rules = await bulk({ password_min_length: 12, password_require_special: true });
      expect(rules.status).toBe(200);
      const refused = await createUser(newUserBody({ password: 'Abcdefgh1' }));
      expectProblem(refused, 422);
      expect(refused.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            loc: ['body', 'password'],
            msg: expect.stringContaining('at least 12'),
          }),
          expect.objectContaining({ loc: ['body', 'password'], type: 'password_rule' }),
        ]),
      );
      expect(refused.body.errors).toHaveLength(2);
      expect((await createUser(newUserBody({ password: 'Abcdefgh1234!' }))).status).toBe(201);
      await reset('password_min_length', 'password_require_special');
    });

    it('gives new users the default_user_role when the request names none', async () => {
      const before = await createUser(newUserBody());
      expect(before.body.role).toBe('officer');
      expect((await put('default_user_role', { value: 'viewer' })).status).toBe(200);
      const after = await createUser(newUserBody());
      expect(after.status).toBe(201);
      expect(after.body.role).toBe('viewer');
      const named = await createUser(newUserBody({ role: 'manager' }));
      expect(named.body.role).toBe('manager');
      await reset('default_user_role');
    });
  });

  describe('on every instance', () => {
    let b: TestApp;
    let bAdmin: string;

    /** Polls `check` on instance B for at most 5 seconds; answers how long it took. */
    async function within5s(check: () => Promise<boolean>): Promise<number> {
      const started = Date.now();
      while (Date.now() - started < 5000) {
        if (await check()) return Date.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('instance B did not see the change within 5 seconds');
    }

    const listenerPids = async (): Promise<number[]> =>
      (
        await t.dataSource.query(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = $1`,
          [LISTENER_NAME],
        )
      ).map((row: { pid: number }) => row.pid);

    let bListener: number;

    beforeAll(async () => {
      const aListeners = await listenerPids();
      expect(aListeners).toHaveLength(1);
      b = await createTestApp({
        database: { name: t.databaseName, url: t.config.database.url },
      });
      bAdmin = (await b.signIn('admin')).bearer;
      const newOnes = (await listenerPids()).filter((pid) => !aListeners.includes(pid));
      expect(newOnes).toHaveLength(1);
      bListener = newOnes[0];
    });
    afterAll(async () => {
      await b?.close();
    });

    const createOnB = (password: string) =>
      b.http.post('/api/v1/users').set('Authorization', bAdmin).send(newUserBody({ password }));

    it('a change made through A is obeyed by B at once', async () => {
      // B has read (and cached) the rules in force.
      expect((await createOnB('Abcdefgh12')).status).toBe(201);
      expect(
        (await b.http.get(url('/password_min_length')).set('Authorization', bAdmin)).body.value,
      ).toBe(8);

      expect((await put('password_min_length', { value: 12 })).status).toBe(200);
      const took = await within5s(async () => (await createOnB('Abcdefgh12')).status === 422);
      expect(took).toBeLessThan(2000);
      const seen = await b.http.get(url('/password_min_length')).set('Authorization', bAdmin);
      expect(seen.body.value).toBe(12);
    });

    it('B sees the next change within 5 seconds even when its LISTEN connection is gone', async () => {
      const [{ terminated }] = await t.dataSource.query(
        'SELECT pg_terminate_backend($1) AS terminated',
        [bListener],
      );
      expect(terminated).toBe(true);
      // Let B notice, then change the value while B has no listener.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await put('password_min_length', { value: 8 })).status).toBe(200);
      await within5s(async () => (await createOnB('Abcdefgh12')).status === 201);

      // And B listens again.
      await within5s(async () => (await listenerPids()).length === 2);
      expect(await listenerPids()).not.toContain(bListener);
      expect((await put('password_min_length', { value: 11 })).status).toBe(200);
      const took = await within5s(async () => (await createOnB('Abcdefgh12')).status === 422);
      expect(took).toBeLessThan(2000);
      await reset('password_min_length');
    });

    it('a change made through B reaches A', async () => {
      const res = await b.http
        .put(url('/default_user_role'))
        .set('Authorization', bAdmin)
        .send({ value: 'viewer' });
      expect(res.status).toBe(200);
      await within5s(async () => {
        const created = await t.http
          .post('/api/v1/users')
          .set('Authorization', admin)
          .send(newUserBody());
        return created.body.role === 'viewer';
      });
      await reset('default_user_role');
    });
  });
});
