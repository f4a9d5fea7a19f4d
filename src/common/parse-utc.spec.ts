import { parseUtc } from './parse-utc';

describe('parseUtc', () => {
  it('reads an ISO time without an offset as UTC', () => {
    expect(parseUtc('2025-03-01T08:00:00').toISOString()).toBe('2025-03-01T08:00:00.000Z');
    expect(parseUtc('2025-03-01T08:00:00+07:00').toISOString()).toBe('2025-03-01T01:00:00.000Z');
    expect(parseUtc('2025-03-01T08:00:00Z').toISOString()).toBe('2025-03-01T08:00:00.000Z');
    expect(parseUtc('2025-03-01').toISOString()).toBe('2025-03-01T00:00:00.000Z');
  });
});
