import { Client } from 'pg';
import { LISTENER_NAME } from '../../src/database/database-notifications';
import { SETTINGS_CHANNEL } from '../../src/settings/settings-cache';
import { applicationBody } from '../harness/applications-fixtures';
import { expectStatus } from '../harness/expect';
import { putSetting } from '../harness/settings-fixtures';
import { loadState } from '../harness/state';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy';
import { cloneDatabase, createTestApp, type TestApp } from '../harness/test-app';

/** Issue 9 (hardening): the server and its database under load and when it stops answering. */
describe('Database hardening', () => {
  describe('finding 2: no request waits, inside a transaction, for another pool connection', () => {
    let t: TestApp;
    let admin: string;

    beforeAll(async () => {
      t = await createTestApp({ env: { DATABASE_POOL_SIZE: '10' } });
      admin = (await t.signIn('admin')).bearer;
    });
    afterAll(() => t.close());

    it('PUT default_currency=KHR, then at once 40 POST /applications by one officer: all 201 in KHR', async () => {
      const officer = await t.signIn('officer');
      const put = await putSetting(t, admin, 'default_currency', 'KHR');
      expectStatus(put, 200);
      // Other instances keep changing settings meanwhile: notifications arrive while the 40
      // requests are inside their transactions (before the fix, each one made the next
      // settings read wait for a pool connection that those transactions held).
      const notifier = new Client({ connectionString: t.config.database.url });
      await notifier.connect();
      let bursting = true;
      const notifying = (async () => {
        while (bursting) {
          await notifier.query(`NOTIFY ${SETTINGS_CHANNEL}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const answers = await Promise.all(
        Array.from({ length: 40 }, () =>
          t.http
            .post('/api/v1/applications')
            .set('Authorization', officer.bearer)
            .send(applicationBody({ currency: undefined })),
        ),
      ).finally(() => (bursting = false));
      await notifying;
      await notifier.end();
      expect(answers.map((res) => res.status)).toEqual(Array(40).fill(201));
      expect(new Set(answers.map((res) => res.body.currency))).toEqual(new Set(['KHR']));
    });

    it('listens on one connection of its own, beside the pool', async () => {
      const rows: { application_name: string; n: number }[] = await t.dataSource.query(
        `SELECT application_name, count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name LIKE 'lc-workflow-server%'
          GROUP BY application_name`,
      );
      const counts = Object.fromEntries(rows.map((row) => [row.application_name, row.n]));
      expect(counts[LISTENER_NAME]).toBe(1);
      expect(counts['lc-workflow-server']).toBeLessThanOrEqual(10);
    });
  });

  describe('a client-side deadline when PostgreSQL stops answering', () => {
    let proxy: TcpProxy;
    let t: TestApp;
    let database: Awaited<ReturnType<typeof cloneDatabase>>;
    let admin: string;

    beforeAll(async () => {
      const server = new URL(loadState().adminUrl);
      proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port) });
      database = await cloneDatabase();
      t = await createTestApp({
        database: { name: database.name, url: proxy.urlFor(database.url) },
        env: { DATABASE_STATEMENT_TIMEOUT_MS: '1000' },
      });
      admin = (await t.signIn('admin')).bearer;
    });
    afterAll(async () => {
      proxy.setMode('forward');
      await t.close();
      await database.drop();
      await proxy.close();
    });

    it('a GET answers 503 database-unavailable within 4 s while PostgreSQL is frozen, and works once it answers', async () => {
      expectStatus(await t.http.get('/api/v1/users').set('Authorization', admin), 200);
      proxy.setMode('frozen');
      const started = Date.now();
      const res = await t.http.get('/api/v1/users').set('Authorization', admin);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        type: 'urn:lc-workflow:problem:database-unavailable',
        status: 503,
        detail: 'The database is not answering. Please try again shortly.',
      });

      proxy.setMode('forward');
      const deadline = Date.now() + 5000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        status = (await t.http.get('/api/v1/users').set('Authorization', admin)).status;
      }
      expect(status).toBe(200);
    });
  });
});
