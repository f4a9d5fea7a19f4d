import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { SETUP_LOCK_KEY } from '../../src/auth/auth.service';
import { SessionsService } from '../../src/credentials/sessions.service';
import { expectProblem } from '../harness/expect';
import { loginWithForm } from '../harness/http';
import { createUser, TEST_PASSWORD } from '../harness/identity';
import { makeBranch } from '../harness/organisation-fixtures';
import { createTestApp, TEST_SECRET_KEY, type TestApp } from '../harness/test-app';

/** Issue 9: findings 5 (lockout by account), 8 (inactive accounts), token claims, audit. */

const GENERIC_401 = 'Incorrect username or password.';

describe('auth hardening', () => {
  let t: TestApp;
  let admin: { bearer: string };

  beforeAll(async () => {
    // TRUST_PROXY=loopback lets the tests speak for several client IPs (X-Forwarded-For).
    t = await createTestApp({ env: { TRUST_PROXY: 'loopback' } });
    admin = await t.signIn('admin');
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, ip: string) =>
    loginWithForm(t, username, password, ip);

  /** Wrong passwords, typed with each spelling in turn; every one must be a plain 401. */
  async function fail(spellings: string[], times: number, ip: string): Promise<void> {
    for (let i = 0; i < times; i += 1) {
      const res = await login(spellings[i % spellings.length], 'Wrong-passw0rd', ip);
      expect(res.status).toBe(401);
    }
  }

  function expectLocked(res: Response): void {
    expectProblem(res, 429);
    expect(res.body.type).toContain('login-locked');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  }

  async function auditEvents(query: Record<string, string>) {
    const res = await t.http.get('/api/v1/audit').set('Authorization', admin.bearer).query(query);
    expect(res.status).toBe(200);
    return res.body.items as { action: string; entity_type: string; details: object }[];
  }

  describe('finding 5: failed logins count per account, whichever spelling was typed', () => {
    it('a username locked by 5 failures refuses the email too (429), even with the right password', async () => {
      const user = await createUser(t.app);
      await fail([user.username], 5, '203.0.113.50');
      expectLocked(await login(user.email.toUpperCase(), TEST_PASSWORD, '203.0.113.50'));
      expectLocked(await login(user.username, TEST_PASSWORD, '203.0.113.50'));
    });

    it('failures alternating username and email lock after 5 in total', async () => {
      const user = await createUser(t.app);
      await fail([user.username, user.email, user.username.toUpperCase()], 5, '203.0.113.51');
      expectLocked(await login(user.username, TEST_PASSWORD, '203.0.113.51'));
      expectLocked(await login(user.email, TEST_PASSWORD, '203.0.113.51'));
    });

    it('an operator unlock clears the account: both spellings sign in again, audited', async () => {
      const user = await createUser(t.app);
      await fail([user.email, user.username], 5, '203.0.113.52');
      expectLocked(await login(user.username, TEST_PASSWORD, '203.0.113.52'));
      await t.http
        .post(`/api/v1/users/${user.id}/unlock`)
        .set('Authorization', admin.bearer)
        .expect(204);
      expect((await login(user.email, TEST_PASSWORD, '203.0.113.52')).status).toBe(200);
      expect((await login(user.username, TEST_PASSWORD, '203.0.113.52')).status).toBe(200);
    });

    it('a success clears the account count, whichever spelling signed in', async () => {
      const user = await createUser(t.app);
      await fail([user.username, user.email], 4, '203.0.113.53');
      expect((await login(user.email, TEST_PASSWORD, '203.0.113.53')).status).toBe(200);
      // 4 more would make 8 had the success not cleared the count.
      await fail([user.email, user.username], 4, '203.0.113.53');
      expect((await login(user.username, TEST_PASSWORD, '203.0.113.53')).status).toBe(200);
      // And the count starts again from zero: the fifth failure since the success locks.
      await fail([user.email, user.username], 5, '203.0.113.53');
      expectLocked(await login(user.username, TEST_PASSWORD, '203.0.113.53'));
    });

    it('unknown names count per lower-cased name, and still lock alike', async () => {
      await fail(['Ghost.Person', 'GHOST.PERSON', 'ghost.person'], 5, '203.0.113.54');
      expectLocked(await login('ghost.Person', 'Wrong-passw0rd', '203.0.113.54'));
    });
  });

  describe('finding 8: an inactive account does not confirm its password', () => {
    it('the right password gets the same 401 as a wrong one; the audit trail tells them apart', async () => {
      const user = await createUser(t.app, { status: 'inactive' });
      const right = await login(user.username, TEST_PASSWORD, '203.0.113.60');
      const wrong = await login(user.username, 'Wrong-passw0rd', '203.0.113.60');
      for (const res of [right, wrong]) {
        expectProblem(res, 401);
        expect(res.body.detail).toBe(GENERIC_401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
      const refused = await auditEvents({
        action: 'auth.login_refused',
        entity_type: 'user',
        entity_id: user.id,
      });
      expect(refused).toHaveLength(1);
      expect(refused[0].details).toMatchObject({ reason: 'inactive' });
      const failed = await auditEvents({ action: 'auth.login_failed', entity_id: user.id });
      expect(failed).toHaveLength(1);
      expect(failed[0].details).toMatchObject({ reason: 'wrong_password' });
    });

    it('every attempt on an inactive account counts towards lockout, right password or not', async () => {
      // Otherwise repeating a guess would tell: a right one never locks, a wrong one does.
      const user = await createUser(t.app, { status: 'inactive' });
      for (let i = 0; i < 5; i += 1) {
        expect((await login(user.username, TEST_PASSWORD, '203.0.113.61')).status).toBe(401);
      }
      expectLocked(await login(user.username, TEST_PASSWORD, '203.0.113.61'));
    });
  });

  describe('access tokens need exp, iat, sid and typ', () => {
    async function claimsFor(): Promise<Record<string, unknown>> {
      const user = await createUser(t.app);
      const { sessionId } = await t.app.get(SessionsService).start(user.id, { ip: '127.0.0.1' });
      const now = Math.floor(Date.now() / 1000);
      return { sub: user.id, sid: sessionId, typ: 'access', iat: now, exp: now + 600 };
    }
    /** An HS256 JWT signed with the test secret, by hand (a JWT library would add or check claims). */
    function signed(claims: Record<string, unknown>): string {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
      return `${body}.${createHmac('sha256', TEST_SECRET_KEY).update(body).digest('base64url')}`;
    }
    const me = (claims: Record<string, unknown>) =>
      t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${signed(claims)}`);

    it('a well-formed token signed with the secret works', async () => {
      expect((await me(await claimsFor())).status).toBe(200);
    });

    it.each(['exp', 'iat', 'sid', 'typ', 'sub'])(
      'a token without %s is refused (401)',
      async (claim) => {
        const { [claim]: _left, ...claims } = await claimsFor();
        const res = await me(claims);
        expectProblem(res, 401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
      },
    );

    it.each([
      ['typ', 'refresh'],
      ['sid', 'not-a-uuid'],
      ['sub', 'not-a-uuid'],
      ['iat', 'yesterday'],
    ])('a token whose %s is %p is refused (401), never a 500', async (claim, value) => {
      const res = await me({ ...(await claimsFor()), [claim]: value });
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });
  });

  describe('lockouts, unlocks and refresh-token reuse are audit events GET /audit finds', () => {
    it('account locked, unlocked and refresh token reused: entity user and its id', async () => {
      const branch = await makeBranch(t);
      const manager = await t.signIn({ role: 'manager', branchId: branch.id });
      const user = await createUser(t.app, { branchId: branch.id });

      await fail([user.email], 5, '203.0.113.70');
      await t.http
        .post(`/api/v1/users/${user.id}/unlock`)
        .set('Authorization', admin.bearer)
        .expect(204);
      const first = (await login(user.username, TEST_PASSWORD, '203.0.113.70')).body;
      await t.http
        .post('/api/v1/auth/refresh')
        .send({ refresh_token: first.refresh_token })
        .expect(200);
      await t.http
        .post('/api/v1/auth/refresh')
        .send({ refresh_token: first.refresh_token })
        .expect(401);

      for (const action of ['auth.account_locked', 'user.unlocked', 'auth.refresh_token_reused']) {
        const byAction = await auditEvents({ action, entity_type: 'user', entity_id: user.id });
        expect(byAction).toHaveLength(1);
        expect(byAction[0]).toMatchObject({ action, entity_type: 'user', entity_id: user.id });
        // The user's branch manager reads them too (audit scope: own branch).
        const managerView = await t.http
          .get('/api/v1/audit')
          .set('Authorization', manager.bearer)
          .query({ action, entity_id: user.id });
        expect(managerView.status).toBe(200);
        expect(managerView.body.total).toBe(1);
      }
    });
  });
});

describe('finding 2 (part): concurrent first-admin set-up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '10' } });
  });
  afterAll(() => t.close());

  const firstAdmin = (i: number) => ({
    username: `first.admin${i}`,
    email: `first.admin${i}@example.test`,
    password: 'Str0ng-Passw0rd',
    first_name: 'First',
    last_name: 'Admin',
  });

  it('while another set-up holds the lock, a set-up answers 409 at once instead of waiting', async () => {
    const other = new Client({ connectionString: t.config.database.url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [SETUP_LOCK_KEY]);
      const answer = t.http.post('/api/v1/auth/setup-first-admin').send(firstAdmin(0));
      const waited = new Promise<'still waiting'>((resolve) =>
        setTimeout(() => resolve('still waiting'), 3_000).unref(),
      );
      const res = await Promise.race([answer, waited]);
      expect(res).not.toBe('still waiting');
      expectProblem(res as Response, 409);
      expect((res as Response).body.detail).toMatch(/running right now/);
    } finally {
      await other.end();
    }
    expect((await t.http.get('/api/v1/auth/setup-required')).body.setup_required).toBe(true);
  });

  it('20 at once on an empty database: exactly one 201, the others 409, none 503', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.http.post('/api/v1/auth/setup-first-admin').send(firstAdmin(i + 1)),
      ),
    );
    const statuses = results.map((res) => res.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    for (const res of results.filter((one) => one.status !== 201)) expectProblem(res, 409);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM users`);
    expect(count).toBe(1);
  });
});
