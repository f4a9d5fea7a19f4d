import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { auditActions } from '../harness/audit';
import { loginWithForm } from '../harness/http';
import { createTestApp, type TestApp } from '../harness/test-app';
import { createUser, TEST_PASSWORD } from '../harness/identity';

const LOGIN = '/api/v1/auth/login';

describe('auth: login, refresh, logout, me', () => {
  let t: TestApp;

  beforeAll(async () => {
    // TRUST_PROXY=loopback lets the tests speak for several client IPs (X-Forwarded-For).
    t = await createTestApp({ env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => t.close());

  const login = (username: string, password?: string, ip?: string) =>
    loginWithForm(t, username, password, ip);

  it('logs in with the OAuth2 password form (username) and returns tokens and the user', async () => {
    const user = await createUser(t.app, { username: 'Dara.Sok', email: 'dara.sok@example.test' });
    const res = await t.http
      .post(LOGIN)
      .type('form')
      .send({ username: 'dara.sok', password: TEST_PASSWORD, grant_type: 'password', scope: '' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
      token_type: 'bearer',
      expires_in: 3600,
      user: { id: user.id, username: 'Dara.Sok', role: 'officer', is_active: true },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/password|\$2[aby]\$/);
    expect(res.body.user.last_login_at).toEqual(expect.any(String));
    const me = await t.http
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${res.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
    expect(await auditActions(t, { entityId: user.id })).toContain('auth.login');
  });

  it('logs in with JSON and by email, ignoring case', async () => {
    const user = await createUser(t.app, { email: 'Mixed.Case@Example.test' });
    const res = await t.http
      .post(LOGIN)
      .send({ username: 'mixed.case@example.TEST', password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(user.id);
  });

  it('answers a wrong password and an unknown username alike (401, same detail)', async () => {
    const user = await createUser(t.app);
    const wrong = await login(user.username, 'Wrong-password1', '198.51.100.2');
    const unknown = await login('nobody-here', 'Wrong-password1', '198.51.100.2');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
    expect(await auditActions(t, { entityId: user.id })).toContain('auth.login_failed');
    const [{ count }] = await t.dataSource.query(
      `SELECT count(*)::int AS count FROM login_failures WHERE username_key = 'name:nobody-here'`,
    );
    expect(count).toBe(1);
  });

  it('refuses an inactive user even with the right password, without saying why', async () => {
    const user = await createUser(t.app, { status: 'inactive' });
    const res = await login(user.username);
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('Incorrect username or password.');
  });

  it('refuses bad login bodies with 422', async () => {
    expect((await t.http.post(LOGIN).send({ username: 'x' })).status).toBe(422);
    expect(
      (
        await t.http
          .post(LOGIN)
          .send({ username: 'x', password: 'y', grant_type: 'client_credentials' })
      ).status,
    ).toBe(422);
    expect((await t.http.post(LOGIN).send({ username: 'x', password: 'y', extra: 1 })).status).toBe(
      422,
    );
    expect(
      (await t.http.post(LOGIN).send({ username: 'x'.repeat(100_000), password: 'y' })).status,
    ).toBe(422);
  });

  it('refresh rotates the tokens; reusing the old refresh token ends the session', async () => {
    const user = await createUser(t.app);
    const first = (await login(user.username)).body;
    const refreshed = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect(refreshed.body.user.id).toBe(user.id);
    const bearer = `Bearer ${refreshed.body.access_token}`;
    await t.http.get('/api/v1/auth/me').set('Authorization', bearer).expect(200);

    const reuse = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: first.refresh_token });
    expect(reuse.status).toBe(401);
    expect(reuse.body.detail).toMatch(/already used/);
    // Both the new access token and the new refresh token stop working at once.
    expect((await t.http.get('/api/v1/auth/me').set('Authorization', bearer)).status).toBe(401);
    const after = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: refreshed.body.refresh_token });
    expect(after.status).toBe(401);
    expect(await auditActions(t, { entityId: user.id })).toContain('auth.refresh_token_reused');
  });

  it('two refreshes racing with one token: exactly one wins', async () => {
    const user = await createUser(t.app);
    const { refresh_token } = (await login(user.username)).body;
    const results = await Promise.all(
      [1, 2, 3].map(() => t.http.post('/api/v1/auth/refresh').send({ refresh_token })),
    );
    expect(results.map((res) => res.status).sort()).toEqual([200, 401, 401]);
  });

  it('refuses forged, malformed and access tokens as refresh tokens', async () => {
    const user = await createUser(t.app);
    const { access_token, refresh_token } = (await login(user.username)).body;
    const forged = refresh_token.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A'));
    expect((await t.http.post('/api/v1/auth/refresh').send({ refresh_token: forged })).status).toBe(
      401,
    );
    expect(
      (await t.http.post('/api/v1/auth/refresh').send({ refresh_token: 'nonsense' })).status,
    ).toBe(401);
    expect(
      (await t.http.post('/api/v1/auth/refresh').send({ refresh_token: access_token })).status,
    ).toBe(401);
    expect(
      (await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${refresh_token}`)).status,
    ).toBe(401);
  });

  it('logout revokes the session: its access and refresh tokens stop working', async () => {
    const user = await createUser(t.app);
    const { access_token, refresh_token } = (await login(user.username)).body;
    const other = (await login(user.username)).body;
    const bearer = `Bearer ${access_token}`;
    await t.http.post('/api/v1/auth/logout').set('Authorization', bearer).expect(204);
    expect((await t.http.get('/api/v1/auth/me').set('Authorization', bearer)).status).toBe(401);
    expect((await t.http.post('/api/v1/auth/refresh').send({ refresh_token })).status).toBe(401);
    // Other sessions of the same user are untouched.
    await t.http
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${other.access_token}`)
      .expect(200);
    expect(await auditActions(t, { entityId: user.id })).toContain('auth.logout');
    expect((await t.http.post('/api/v1/auth/logout')).status).toBe(401);
  });

  it('tokens stop working when the user is deactivated or deleted', async () => {
    const user = await createUser(t.app);
    const bearer = `Bearer ${(await login(user.username)).body.access_token}`;
    await t.dataSource.query(`UPDATE users SET status = 'inactive' WHERE id = $1`, [user.id]);
    expect((await t.http.get('/api/v1/auth/me').set('Authorization', bearer)).status).toBe(401);
    await t.dataSource.query(`UPDATE users SET status = 'active' WHERE id = $1`, [user.id]);
    await t.http.get('/api/v1/auth/me').set('Authorization', bearer).expect(200);
    await t.dataSource.query(`DELETE FROM users WHERE id = $1`, [user.id]);
    expect((await t.http.get('/api/v1/auth/me').set('Authorization', bearer)).status).toBe(401);
  });

  describe('lockout', () => {
    it('5 failures from one IP lock that username for that IP for 15 minutes, even with the right password', async () => {
      const user = await createUser(t.app);
      for (let i = 0; i < 5; i += 1)
        expect((await login(user.username, 'Nope-nope1', '203.0.113.10')).status).toBe(401);
      const locked = await login(user.username, TEST_PASSWORD, '203.0.113.10');
      expect(locked.status).toBe(429);
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(14 * 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(locked.body.type).toContain('login-locked');
      // Another IP is not locked out.
      expect((await login(user.username, TEST_PASSWORD, '203.0.113.11')).status).toBe(200);
      expect(await auditActions(t, { entityId: user.id })).toEqual(
        expect.arrayContaining(['auth.account_locked']),
      );
    });

    it('a success resets the count', async () => {
      const user = await createUser(t.app);
      for (let i = 0; i < 4; i += 1) await login(user.username, 'Nope-nope1', '203.0.113.20');
      expect((await login(user.username, TEST_PASSWORD, '203.0.113.20')).status).toBe(200);
      for (let i = 0; i < 4; i += 1) await login(user.username, 'Nope-nope1', '203.0.113.20');
      expect((await login(user.username, TEST_PASSWORD, '203.0.113.20')).status).toBe(200);
    });

    it('20 failures from any IPs lock the username for everyone', async () => {
      const user = await createUser(t.app);
      for (let i = 0; i < 20; i += 1) {
        expect((await login(user.username, 'Nope-nope1', `192.0.2.${i + 1}`)).status).toBe(401);
      }
      expect((await login(user.username, TEST_PASSWORD, '192.0.2.200')).status).toBe(429);
    });

    it('unknown usernames lock the same way, revealing nothing', async () => {
      for (let i = 0; i < 5; i += 1) await login('ghost-user', 'Nope-nope1', '203.0.113.30');
      const res = await login('ghost-user', 'Nope-nope1', '203.0.113.30');
      expect(res.status).toBe(429);
    });

    it('a lock that has run out lets the user in again', async () => {
      const user = await createUser(t.app);
      for (let i = 0; i < 5; i += 1) await login(user.username, 'Nope-nope1', '203.0.113.40');
      expect((await login(user.username, TEST_PASSWORD, '203.0.113.40')).status).toBe(429);
      await t.dataSource.query(
        `UPDATE login_failures SET occurred_at = occurred_at - interval '16 minutes' WHERE username_key = $1`,
        [`user:${user.id}`],
      );
      expect((await login(user.username, TEST_PASSWORD, '203.0.113.40')).status).toBe(200);
    });
  });
});

describe('auth: login rate limit per IP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { LOGIN_THROTTLE_LIMIT: '3', LOGIN_THROTTLE_TTL_SECONDS: '60' },
    });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past LOGIN_THROTTLE_LIMIT, whatever the usernames', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await t.http.post(LOGIN).send({ username: `u${i}`, password: 'x' })).status).toBe(
        401,
      );
    }
    const res = await t.http.post(LOGIN).send({ username: 'u9', password: 'x' });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Other routes are not limited by the login limit.
    await t.http.get('/api/v1/auth/setup-required').expect(200);
  });
});

describe('auth: first-run set-up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const admin = (username: string) => ({
    username,
    email: `${username}@example.test`,
    password: 'Str0ng-Passw0rd',
    first_name: 'First',
    last_name: 'Admin',
  });

  it('creates exactly one admin, even under concurrent calls, then closes', async () => {
    expect((await t.http.get('/api/v1/auth/setup-required')).body).toEqual({
      setup_required: true,
    });
    const results = await Promise.all(
      ['root1', 'root2', 'root3'].map((name) =>
        t.http.post('/api/v1/auth/setup-first-admin').send({ ...admin(name), role: 'viewer' }),
      ),
    );
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    const created = results.find((res) => res.status === 201)!.body;
    expect(created.role).toBe('admin');
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM users`);
    expect(count).toBe(1);
    expect((await t.http.get('/api/v1/auth/setup-required')).body).toEqual({
      setup_required: false,
    });
    const res = await t.http
      .post(LOGIN)
      .type('form')
      .send({ username: created.username, password: 'Str0ng-Passw0rd' });
    expect(res.status).toBe(200);
    expect(res.body.user.role).toBe('admin');
  });

  it('refuses a weak password or a bad body with 422', async () => {
    const fresh = await createTestApp();
    try {
      const weak = await fresh.http
        .post('/api/v1/auth/setup-first-admin')
        .send({ ...admin('weak'), password: 'short' });
      expect(weak.status).toBe(422);
      expect(weak.body.errors.map((e: { loc: string[] }) => e.loc)).toContainEqual([
        'body',
        'password',
      ]);
      const bad = await fresh.http.post('/api/v1/auth/setup-first-admin').send({ username: 'x' });
      expect(bad.status).toBe(422);
      expect((await fresh.http.get('/api/v1/auth/setup-required')).body.setup_required).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});

describe('auth: set-up in production needs SETUP_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { NODE_ENV: 'production', SETUP_TOKEN: 'operator-setup-token-123' },
    });
  });
  afterAll(() => t.close());

  it('refuses without or with a wrong X-Setup-Token, accepts the right one', async () => {
    const body = {
      username: 'prodadmin',
      email: 'prodadmin@example.test',
      password: 'Str0ng-Passw0rd',
      first_name: 'Prod',
      last_name: 'Admin',
    };
    expect((await t.http.post('/api/v1/auth/setup-first-admin').send(body)).status).toBe(403);
    expect(
      (await t.http.post('/api/v1/auth/setup-first-admin').set('X-Setup-Token', 'wrong').send(body))
        .status,
    ).toBe(403);
    const ok = await t.http
      .post('/api/v1/auth/setup-first-admin')
      .set('X-Setup-Token', 'operator-setup-token-123')
      .send(body);
    expect(ok.status).toBe(201);
  });
});

describe('auth: bcrypt does not block the event loop', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BCRYPT_ROUNDS: '12' } });
  });
  afterAll(() => t.close());

  it('concurrent logins at cost 12 leave the event loop free (hashing runs in workers)', async () => {
    const user = await createUser(t.app);
    // The stored hash is cost 4; a wrong password still costs one compare per attempt, so set
    // a cost-12 hash to make each compare take ~0.3 s of CPU.
    const { hashSync } = await import('bcryptjs');
    await t.dataSource.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [
      user.id,
      hashSync(TEST_PASSWORD, 12),
    ]);
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const logins = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.http.post(LOGIN).send({ username: user.username, password: TEST_PASSWORD }),
      ),
    );
    histogram.disable();
    expect(logins.every((res) => res.status === 200)).toBe(true);
    // On the main thread each compare would stall the loop for ~300 ms.
    expect(histogram.max / 1e6).toBeLessThan(150);
  }, 30_000);

  it('an unknown username costs the same bcrypt work as a wrong password', async () => {
    const user = await createUser(t.app);
    const { hashSync } = await import('bcryptjs');
    await t.dataSource.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [
      user.id,
      hashSync(TEST_PASSWORD, 12),
    ]);
    const timed = async (username: string) => {
      const started = performance.now();
      const res = await t.http.post(LOGIN).send({ username, password: 'Wrong-passw0rd' });
      expect(res.status).toBe(401);
      return performance.now() - started;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      wrong.push(await timed(user.username));
      unknown.push(await timed(`nobody-${i}`));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1];
    // Without the dummy comparison an unknown name would answer in a few milliseconds.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.6);
  }, 30_000);
});
