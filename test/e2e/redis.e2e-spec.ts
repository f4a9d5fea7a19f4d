import Redis from 'ioredis';
import { ProbeModule } from '../harness/probe.module';
import { createTestApp, type TestApp } from '../harness/test-app';
import { redisKeyPrefix } from '../harness/unique';

describe('Redis unreachable (REDIS_URL set, nothing listening)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [ProbeModule],
      env: { REDIS_URL: 'redis://127.0.0.1:1', THROTTLE_LIMIT: '3' },
    });
  });
  afterAll(() => t.close());

  it('keeps serving requests, counting rate limits in memory', async () => {
    const started = Date.now();
    for (let i = 0; i < 3; i += 1) await t.http.get('/api/v1/probe/public').expect(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await t.http.get('/api/v1/probe/public')).status).toBe(429);
  });

  it('readiness says Redis is down', async () => {
    const res = await t.http.get('/api/v1/health');
    expect(res.status).toBe(503);
    expect(res.body.down).toEqual(['redis']);
    expect(res.body.details.database.status).toBe('up');
  });
});

// Shared counters need a real Redis: TEST_REDIS_URL (.ci/run sets it when one is running).
const redisUrl = process.env.TEST_REDIS_URL?.trim();
(redisUrl ? describe : describe.skip)('Redis shared by two instances (TEST_REDIS_URL)', () => {
  let a: TestApp;
  let b: TestApp;
  // Counters of this run only: other suites, and earlier runs, use the same Redis.
  const prefix = redisKeyPrefix();

  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix, THROTTLE_LIMIT: '4' };
    a = await createTestApp({ imports: [ProbeModule], env });
    b = await createTestApp({ imports: [ProbeModule], env });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('counts one user across both instances, and readiness includes redis', async () => {
    // Both apps sign with the same test secret: the rate limiter (which only checks the
    // signature) counts the same user on either; the route is public.
    const { bearer: token } = await a.signIn('officer');
    for (const app of [a, b, a, b]) {
      await app.http.get('/api/v1/probe/public').set('Authorization', token).expect(200);
    }
    expect((await b.http.get('/api/v1/probe/public').set('Authorization', token)).status).toBe(429);
    const health = await a.http.get('/api/v1/health').expect(200);
    expect(health.body.details.redis.status).toBe('up');
  });

  it('keeps its counters under REDIS_KEY_PREFIX', async () => {
    const redis = new Redis(redisUrl!);
    try {
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.some((key) => key.includes('ProbeController'))).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});
