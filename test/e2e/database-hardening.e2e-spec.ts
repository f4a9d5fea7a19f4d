import { Client } from 'pg';
import { LISTENER_NAME } from '../../src/database/database-notifications';
import { SETTINGS_CHANNEL } from '../../src/settings/settings-cache';
import { applicationBody } from '../harness/applications-fixtures';
import { expectStatus } from '../harness/expect';
import { putSetting } from '../harness/settings-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';

/**
 * Issue 9 (hardening): the server and its database under load. When PostgreSQL stops answering
 * (frozen or stopped): resilience.e2e-spec.ts, over a PostgreSQL of its own.
 */
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
});
