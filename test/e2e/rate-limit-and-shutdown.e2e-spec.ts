import type { AddressInfo } from 'node:net';
import { ProbeModule } from '../harness/probe.module';
import { createTestApp, type TestApp } from '../harness/test-app';

describe('rate limit (first guard)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [ProbeModule],
      env: { THROTTLE_LIMIT: '3', THROTTLE_TTL_SECONDS: '60' },
    });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past the limit, before authentication', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await t.http.get('/api/v1/probe/widgets')).status).toBe(401);
    }
    const res = await t.http.get('/api/v1/probe/widgets');
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(res.body.detail).toEqual(expect.any(String));
  });

  it('counts per user when a valid token is sent', async () => {
    const { bearer: token } = await t.signIn('officer');
    for (let i = 0; i < 3; i += 1) {
      expect((await t.http.get('/api/v1/probe/public').set('Authorization', token)).status).toBe(
        200,
      );
    }
    expect((await t.http.get('/api/v1/probe/public').set('Authorization', token)).status).toBe(429);
    const { bearer: other } = await t.signIn('officer');
    expect((await t.http.get('/api/v1/probe/public').set('Authorization', other)).status).toBe(200);
  });

  it('never limits liveness', async () => {
    for (let i = 0; i < 6; i += 1) await t.http.get('/health').expect(200);
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then stops accepting and closes the pool', async () => {
    const t = await createTestApp({ imports: [ProbeModule] });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    await fetch(`${base}/health`).then((res) => expect(res.status).toBe(200));

    const inFlight = fetch(`${base}/api/v1/probe/slow?ms=600`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = t.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    // The connection is let go at once instead of idling until its keep-alive timeout.
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({ ok: true });
    await closing;
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    expect(t.dataSource.isInitialized).toBe(false);
  });
});
