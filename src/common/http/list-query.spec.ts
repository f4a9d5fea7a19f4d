import { activeFilter, ListQuery } from './list-query';
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
});
