import { hashSync } from 'bcryptjs';
import { performance } from 'node:perf_hooks';
import { expectProblem } from '../harness/expect';
import { createUser, TEST_PASSWORD } from '../harness/identity';
import { createTestApp, type TestApp } from '../harness/test-app';

const LOGIN = '/api/v1/auth/login';

/**
 * Item 4 of issue 12: with one hashing thread and one waiting place, a burst of logins is
 * answered at once for those beyond the queue (503 server-busy, Retry-After 1) while the
 * others succeed; every hashing route refuses the same way while the pool is full.
 */
describe('password hashing under overload', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { PASSWORD_HASH_THREADS: '1', PASSWORD_HASH_QUEUE_MAX: '1', BCRYPT_ROUNDS: '12' },
    });
  });
  afterAll(() => t.close());

  /** A user whose stored hash is cost 12: each check takes ~0.3 s of a thread. */
  async function slowUser() {
    const user = await createUser(t.app);
    await t.dataSource.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [
      user.id,
      hashSync(TEST_PASSWORD, 12),
    ]);
    return user;
  }

  const timedLogin = async (username: string) => {
    const started = performance.now();
    const res = await t.http.post(LOGIN).send({ username, password: TEST_PASSWORD });
    return { res, ms: performance.now() - started };
  };

  it('beyond the queue, logins answer 503 server-busy with Retry-After 1 at once; the rest succeed', async () => {
    const user = await slowUser();
    const answers = await Promise.all(Array.from({ length: 6 }, () => timedLogin(user.username)));
    const busy = answers.filter(({ res }) => res.status === 503);
    const ok = answers.filter(({ res }) => res.status === 200);
    expect(busy.length + ok.length).toBe(answers.length);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(2); // one running, one waiting
    expect(busy.length).toBeGreaterThanOrEqual(4);
    for (const { res } of busy) {
      expectProblem(res, 503, 'server-busy');
      expect(res.headers['retry-after']).toBe('1');
    }
    for (const { res } of ok) expect(res.body.access_token).toEqual(expect.any(String));
    // Refused without waiting for a hash: faster than the slowest success.
    const slowest = Math.max(...ok.map(({ ms }) => ms));
    for (const { ms } of busy) expect(ms).toBeLessThan(slowest);
    // A refusal for overload is not a failed attempt: nothing counts towards the lockout.
    const [{ count }] = await t.dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM login_failures WHERE username_key = $1`,
      [`user:${user.id}`],
    );
    expect(Number(count)).toBe(0);
    // Once the burst is over, a login goes through.
    expect((await timedLogin(user.username)).res.status).toBe(200);
  }, 60_000);

  it('while the pool is full, user create and password change answer 503 server-busy too', async () => {
    const user = await slowUser();
    const admin = await t.signIn('admin');
    const holding = Promise.all([timedLogin(user.username), timedLogin(user.username)]);
    // Let both reach the pool (one running, one waiting).
    await new Promise((resolve) => setTimeout(resolve, 100));
    // What an alert rule sees meanwhile: the queue full, the one thread busy.
    const metrics = (await t.http.get('/metrics').expect(200)).text;
    const create = await t.http
      .post('/api/v1/users')
      .set('Authorization', admin.bearer)
      .send({
        username: `busy_${Date.now()}`,
        email: `busy_${Date.now()}@example.test`,
        password: 'Another-Passw0rd!',
        first_name: 'Busy',
        last_name: 'Server',
      });
    const change = await t.http
      .patch('/api/v1/users/me/change-password')
      .set('Authorization', admin.bearer)
      .send({ old_password: TEST_PASSWORD, new_password: 'Another-Passw0rd!' });
    const held = await holding;
    expect(metrics).toMatch(/^lc_password_hash_queue_size 1$/m);
    expect(metrics).toMatch(/^lc_password_hash_queue_max 1$/m);
    expect(metrics).toMatch(/^lc_password_hash_utilization 1$/m);
    expect(held.map(({ res }) => res.status)).toEqual([200, 200]);
    const after = (await t.http.get('/metrics').expect(200)).text;
    expect(after).toMatch(/^lc_password_hash_queue_size 0$/m);
    expect(after).toMatch(/^lc_password_hash_utilization 0$/m);
    for (const res of [create, change]) {
      expectProblem(res, 503, 'server-busy');
      expect(res.headers['retry-after']).toBe('1');
    }
  }, 60_000);
});
