import type { TestApp } from './test-app';

/** A row of audit_events as the server's pool reads it. */
export interface AuditRow {
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  branch_id: string | null;
  department_id: string | null;
  from_status: string | null;
  to_status: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  details: Record<string, any>;
  request_id: string | null;
  ip: string | null;
}

/** Which audit events to read: each field given must match. */
export interface AuditFilter {
  entityId?: string;
  action?: string;
  entityType?: string;
}

/** The audit events matching `filter`, oldest first. */
export function auditRows(t: TestApp, filter: AuditFilter): Promise<AuditRow[]> {
  const conditions: string[] = [];
  const parameters: string[] = [];
  const columns: [string, string | undefined][] = [
    ['entity_id', filter.entityId],
    ['action', filter.action],
    ['entity_type', filter.entityType],
  ];
  for (const [column, value] of columns) {
    if (value === undefined) continue;
    parameters.push(value);
    conditions.push(`${column} = $${parameters.length}`);
  }
  return t.dataSource.query(
    `SELECT * FROM audit_events WHERE ${conditions.join(' AND ') || 'true'}
      ORDER BY occurred_at, id`,
    parameters,
  );
}

/** The actions of the audit events matching `filter`, oldest first. */
export async function auditActions(t: TestApp, filter: AuditFilter): Promise<string[]> {
  return (await auditRows(t, filter)).map((row) => row.action);
}
