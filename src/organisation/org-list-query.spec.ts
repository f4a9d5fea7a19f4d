import { ValidationProblem } from '../common/http/problem';
import { activeFilter, OrgListQueryDto, parseUtc } from './org-list-query';

function query(fields: Partial<OrgListQueryDto>): OrgListQueryDto {
  return Object.assign(new OrgListQueryDto(), fields);
}

describe('org list helpers', () => {
  it('reads is_active and status as one filter, refusing a disagreement', () => {
    expect(activeFilter(query({}))).toBeUndefined();
    expect(activeFilter(query({ is_active: false }))).toBe(false);
    expect(activeFilter(query({ status: 'active' }))).toBe(true);
    expect(activeFilter(query({ status: 'inactive', is_active: false }))).toBe(false);
    expect(() => activeFilter(query({ status: 'active', is_active: false }))).toThrow(
      ValidationProblem,
    );
  });

  it('reads an ISO time without an offset as UTC', () => {
    expect(parseUtc('2025-03-01T08:00:00').toISOString()).toBe('2025-03-01T08:00:00.000Z');
    expect(parseUtc('2025-03-01T08:00:00+07:00').toISOString()).toBe('2025-03-01T01:00:00.000Z');
    expect(parseUtc('2025-03-01T08:00:00Z').toISOString()).toBe('2025-03-01T08:00:00.000Z');
    expect(parseUtc('2025-03-01').toISOString()).toBe('2025-03-01T00:00:00.000Z');
  });
});
