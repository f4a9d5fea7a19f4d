/**
 * Rotating DATA_ENCRYPTION_KEY as the README says: a new key with the old one in
 * DATA_ENCRYPTION_KEYS_PREVIOUS keeps old values readable and searchable; `npm run cli --
 * reencrypt` (the compiled CLI, as an operator runs it) rewrites them, after which the old key
 * can go.
 */
import { randomBytes } from 'node:crypto';
import type { Env } from '../../src/config/environment';
import {
  type ApplicationJson,
  createApplication,
  makeUnit,
  member,
} from '../harness/applications-fixtures';
import { runCli } from '../harness/cli';
import type { Actor } from '../harness/identity';
import { createTestApp, type TestApp } from '../harness/test-app';

describe('data encryption key rotation', () => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  let owner: TestApp;
  let officer: Actor;
  let application: ApplicationJson;

  beforeAll(async () => {
    owner = await createTestApp({ env: { DATA_ENCRYPTION_KEY: oldKey } });
    const unit = await makeUnit(owner);
    officer = await member(owner, 'officer', unit);
    application = await createApplication(owner, officer, { guarantor_id_number: 'G-7788 99' });
  });
  afterAll(() => owner.close());

  /** A second server on the same database with other keys. */
  const instance = (env: Env) =>
    createTestApp({
      env,
      database: { name: owner.databaseName, url: owner.config.database.url },
    });

  const stored = async () =>
    (
      await owner.dataSource.query(
        `SELECT a.id_number, a.guarantor_id_number, a.id_number_hash, c.id_number AS customer_id_number
           FROM customer_applications a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1`,
        [application.id],
      )
    )[0];

  async function readsBack(t: TestApp): Promise<void> {
    const one = await t.http
      .get(`/api/v1/applications/${application.id}`)
      .set('Authorization', officer.bearer);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id_number: application.id_number,
      guarantor_id_number: 'G-7788 99',
    });
    const found = await t.http
      .get('/api/v1/applications')
      .query({ search: application.id_number })
      .set('Authorization', officer.bearer);
    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([application.id]);
  }

  async function reencrypt(env: Env) {
    const { status, stdout, stderr } = await runCli(owner.config.database.url, ['reencrypt'], env);
    return { code: status ?? 1, stdout, stderr };
  }

  it('reads and finds old values with the old key kept as a previous one', async () => {
    const rotated = await instance({
      DATA_ENCRYPTION_KEY: newKey,
      DATA_ENCRYPTION_KEYS_PREVIOUS: oldKey,
    });
    try {
      await readsBack(rotated);
    } finally {
      await rotated.close();
    }
  });

  it('cannot read them with the new key alone before the re-encryption', async () => {
    const alone = await instance({ DATA_ENCRYPTION_KEY: newKey });
    try {
      const found = await alone.http
        .get('/api/v1/applications')
        .query({ search: application.id_number })
        .set('Authorization', officer.bearer);
      expect(found.body.total).toBe(0);
    } finally {
      await alone.close();
    }
  });

  it('rewrites every value under the new key with `reencrypt`, then needs only the new key', async () => {
    const before = await stored();
    const env = { DATA_ENCRYPTION_KEY: newKey, DATA_ENCRYPTION_KEYS_PREVIOUS: oldKey };
    const first = await reencrypt(env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('customers.id_number: 1 of 1 values rewritten');
    expect(first.stdout).toContain('customer_applications.guarantor_id_number: 1 of 1 values');

    const after = await stored();
    for (const column of ['id_number', 'guarantor_id_number', 'customer_id_number']) {
      expect(after[column]).not.toBe(before[column]);
      expect(after[column].split(':')[1]).not.toBe(before[column].split(':')[1]);
    }
    expect(after.id_number_hash).not.toBe(before.id_number_hash);

    const again = await reencrypt(env);
    expect(again.stdout).toContain('customers.id_number: 0 of 1 values rewritten');

    const renewed = await instance({ DATA_ENCRYPTION_KEY: newKey });
    try {
      await readsBack(renewed);
    } finally {
      await renewed.close();
    }
  });
});
