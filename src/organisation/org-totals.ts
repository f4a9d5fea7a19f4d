import type { EntityManager } from 'typeorm';
import type { OrgTotalsDto } from './dto/org-user.dto';

/** `{total, active, inactive}` of an organisation table, in one query. */
export async function orgTotals(
  manager: EntityManager,
  table: 'departments' | 'branches' | 'positions',
): Promise<OrgTotalsDto> {
  const [row]: { total: number; active: number }[] = await manager.query(
    `SELECT count(*)::int AS total, (count(*) FILTER (WHERE is_active))::int AS active FROM ${table}`,
  );
  return { total: row.total, active: row.active, inactive: row.total - row.active };
}
