import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../../src/audit/audit.service';
import type { AuthUser } from '../../src/common/auth/auth-user';
import { type AuditRow, auditRows } from '../harness/audit';
import { createTestApp, type TestApp } from '../harness/test-app';

/** The AuditService and the database underneath it, over a real PostgreSQL. */
describe('Audit trail', () => {
  let t: TestApp;
  let audit: AuditService;
  let cls: ClsService;
  let txHost: TransactionHost<TransactionalAdapterTypeOrm>;

  beforeAll(async () => {
    t = await createTestApp();
    audit = t.app.get(AuditService);
    cls = t.app.get(ClsService);
    txHost = t.app.get(TransactionHost);
  });
  afterAll(() => t?.close());

  /** A unique action name, so each test finds its own rows. */
  const action = (name: string) => `test.${name}.${randomUUID().slice(0, 8)}`;

  async function onlyRow(actionName: string): Promise<AuditRow> {
    const rows = await auditRows(t, { action: actionName });
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  it('writes a row with the fields given', async () => {
    const name = action('full');
    const actor = { id: randomUUID(), name: 'sokha.admin', role: 'admin' };
    const entityId = randomUUID();
    const branchId = randomUUID();
    const departmentId = randomUUID();
    const before = Date.now();
    await cls.run(() =>
      audit.record({
        action: name,
        actor,
        entityType: 'application',
        entityId,
        branchId,
        departmentId,
        fromStatus: 'submitted',
        toStatus: 'approved',
        details: { amount: 1500, note: 'ឯកសារ reçu', tags: ['a', 'b'], nested: { ok: true } },
      }),
    );

    const row = await onlyRow(name);
    expect(row).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      actor_id: actor.id,
      actor_name: 'sokha.admin',
      actor_role: 'admin',
      action: name,
      entity_type: 'application',
      entity_id: entityId,
      branch_id: branchId,
      department_id: departmentId,
      from_status: 'submitted',
      to_status: 'approved',
      request_id: null,
      ip: null,
    });
    expect(row.details).toEqual({
      amount: 1500,
      note: 'ឯកសារ reçu',
      tags: ['a', 'b'],
      nested: { ok: true },
    });
    expect(row.occurred_at).toBeInstanceOf(Date);
    expect(row.occurred_at.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect(row.occurred_at.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it('outside a request the actor, request id and IP are null, details default to {}', async () => {
    const inContext = action('no-request');
    await cls.run(() => audit.record({ action: inContext, entityType: 'settings' }));
    expect(await onlyRow(inContext)).toMatchObject({
      actor_id: null,
      actor_name: null,
      actor_role: null,
      entity_type: 'settings',
      entity_id: null,
      branch_id: null,
      department_id: null,
      from_status: null,
      to_status: null,
      details: {},
      request_id: null,
      ip: null,
    });

    // Without any CLS context at all (a scheduled job, say) it still writes.
    const noContext = action('no-context');
    await audit.record({ action: noContext });
    expect(await onlyRow(noContext)).toMatchObject({ actor_id: null, request_id: null, ip: null });
  });

  it('takes the actor, request id and IP from the request context', async () => {
    const name = action('request');
    const user: AuthUser = {
      id: randomUUID(),
      username: 'dara.officer',
      role: 'officer',
      branchId: randomUUID(),
      departmentId: null,
      sessionId: randomUUID(),
    };
    await cls.run(async () => {
      cls.set('user', user);
      cls.set('requestId', 'req-audit-1');
      cls.set('ip', '203.0.113.7');
      await audit.record({ action: name, entityType: 'file', entityId: 'f-1' });
    });
    expect(await onlyRow(name)).toMatchObject({
      actor_id: user.id,
      actor_name: 'dara.officer',
      actor_role: 'officer',
      request_id: 'req-audit-1',
      ip: '203.0.113.7',
    });
  });

  describe("in the caller's transaction", () => {
    it('a record followed by an error leaves no row', async () => {
      const name = action('rolled-back');
      let seenInside: number | undefined;
      await expect(
        cls.run(() =>
          txHost.withTransaction(async () => {
            await audit.record({ action: name, entityType: 'application' });
            // Visible in the transaction, not to other connections before the commit.
            const inside = await txHost.tx.query(
              'SELECT count(*)::int AS n FROM audit_events WHERE action = $1',
              [name],
            );
            seenInside = inside[0].n;
            expect(await auditRows(t, { action: name })).toHaveLength(0);
            throw new Error('the change failed');
          }),
        ),
      ).rejects.toThrow('the change failed');
      expect(seenInside).toBe(1);
      expect(await auditRows(t, { action: name })).toHaveLength(0);
    });

    it('a record in a transaction that commits is kept', async () => {
      const name = action('committed');
      await cls.run(() =>
        txHost.withTransaction(async () => {
          await audit.record({ action: name, toStatus: 'draft' });
          expect(await auditRows(t, { action: name })).toHaveLength(0);
        }),
      );
      expect(await onlyRow(name)).toMatchObject({ to_status: 'draft' });
    });
  });

  describe('append-only', () => {
    let name: string;
    let original: AuditRow;

    beforeAll(async () => {
      name = action('immutable');
      await cls.run(() =>
        audit.record({
          action: name,
          actor: { id: randomUUID(), name: 'auditor', role: 'admin' },
          details: { kept: true },
        }),
      );
      original = await onlyRow(name);
    });

    /** Even the owner of the table is refused by its triggers (the second line of defence). */
    async function expectRefused(sql: string, params: unknown[] = []) {
      const error = await t.ownerQuery(sql, params).then(
        () => undefined,
        (caught: unknown) => caught as { message: string; code?: string },
      );
      expect(error).toBeDefined();
      expect(error!.message).toContain('append-only');
      expect(error!.code).toBe('42501');
    }

    /** The server's own role may not even try: it lacks the rights (the first line). */
    async function expectRefusedToServer(sql: string, params: unknown[] = []) {
      const error = await t.dataSource.query(sql, params).then(
        () => undefined,
        (caught: unknown) => caught as { message: string; driverError?: { code?: string } },
      );
      expect(error).toBeDefined();
      expect(error!.driverError?.code).toBe('42501');
      expect(error!.message).toMatch(/permission denied|must be owner/);
    }

    it("the server's role cannot UPDATE, DELETE, TRUNCATE, disable or drop the triggers", async () => {
      await expectRefusedToServer(`UPDATE audit_events SET action = 'x'`);
      await expectRefusedToServer('DELETE FROM audit_events WHERE id = $1', [original.id]);
      await expectRefusedToServer('TRUNCATE audit_events');
      await expectRefusedToServer('ALTER TABLE audit_events DISABLE TRIGGER ALL');
      await expectRefusedToServer(
        'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete',
      );
      await expectRefusedToServer('DROP TRIGGER audit_events_no_truncate ON audit_events');
      await expectRefusedToServer('DROP FUNCTION audit_events_append_only() CASCADE');
      await expectRefusedToServer(
        `CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
           LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
      );
      await expectUnchanged();
    });

    it("the server's role is not the owner and cannot become it", async () => {
      const [{ owner, me, member }] = await t.dataSource.query(
        `SELECT tableowner AS owner, current_user AS me,
                pg_has_role(current_user, tableowner, 'MEMBER') AS member
           FROM pg_tables WHERE tablename = 'audit_events'`,
      );
      expect(me).not.toBe(owner);
      expect(member).toBe(false);
      const error = await t.dataSource.query(`SET ROLE "${owner}"`).then(
        () => undefined,
        (caught: unknown) => caught as { message: string },
      );
      expect(error?.message).toMatch(/permission denied/);
    });

    async function expectUnchanged() {
      expect(await onlyRow(name)).toEqual(original);
      const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM audit_events');
      expect(n).toBeGreaterThanOrEqual(1);
    }

    it('refuses UPDATE', async () => {
      await expectRefused(`UPDATE audit_events SET action = 'x'`);
      await expectRefused(`UPDATE audit_events SET details = '{}'::jsonb WHERE id = $1`, [
        original.id,
      ]);
      await expectUnchanged();
      expect(await auditRows(t, { action: 'x' })).toHaveLength(0);
    });

    it('refuses DELETE', async () => {
      const [{ n: before }] = await t.dataSource.query(
        'SELECT count(*)::int AS n FROM audit_events',
      );
      await expectRefused('DELETE FROM audit_events');
      await expectRefused('DELETE FROM audit_events WHERE id = $1', [original.id]);
      await expectUnchanged();
      const [{ n: after }] = await t.dataSource.query(
        'SELECT count(*)::int AS n FROM audit_events',
      );
      expect(after).toBe(before);
    });

    it('refuses TRUNCATE', async () => {
      const [{ n: before }] = await t.dataSource.query(
        'SELECT count(*)::int AS n FROM audit_events',
      );
      await expectRefused('TRUNCATE audit_events');
      await expectUnchanged();
      const [{ n: after }] = await t.dataSource.query(
        'SELECT count(*)::int AS n FROM audit_events',
      );
      expect(after).toBe(before);
    });

    it('still accepts new rows', async () => {
      const next = action('after-refusals');
      await audit.record({ action: next });
      expect(await auditRows(t, { action: next })).toHaveLength(1);
    });
  });
});
