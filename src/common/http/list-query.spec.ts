import { activeFilter, assertSyncCursor, ListQuery } from './list-query';
import { ValidationProblem } from './problem';

function query(fields: Partial<ListQuery>): ListQuery {
  return Object.assign(new ListQuery(), fields);
}

describe('list query helpers', () => {
  it('reads is_active and status as one filter, refusing a disagreement', () => {
    expect(activeFilter(query({}))).toBeUndefined();
    expect(activeFilter(query({ is_active: false }))).toBe(false);
    expect(activeFilter(query({ status: 'active' }))).toBe(true);
    expect(activeFilter(query({ status: 'inactive', is_active: false }))).toBe(false);
    expect(() => activeFilter(query({ status: 'active', is_active: false }))).toThrow(
      ValidationProblem,
    );
  });

  it('takes after_id only as the cursor of an ascending sort_by=updated_at with updated_since', () => {
    const since = new Date('2025-01-31T10:00:00.123Z');
    const afterId = '00000000-0000-4000-8000-000000000000';
    expect(() => assertSyncCursor({})).not.toThrow();
    expect(() =>
      assertSyncCursor({ after_id: afterId, sort_by: 'updated_at', updated_since: since }),
    ).not.toThrow();
    for (const cursor of [
      { after_id: afterId },
      { after_id: afterId, sort_by: 'updated_at' },
      { after_id: afterId, updated_since: since },
      { after_id: afterId, sort_by: 'name', updated_since: since },
      {
        after_id: afterId,
        sort_by: 'updated_at',
        updated_since: since,
        sort_order: 'desc' as const,
      },
    ]) {
      expect(() => assertSyncCursor(cursor)).toThrow(ValidationProblem);
    }
  });
});
