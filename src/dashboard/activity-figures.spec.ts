import {
  addDays,
  daysOf,
  hoursOf,
  oneDecimal,
  percentageOf,
  turnaroundPeriod,
} from './activity-figures';

describe('oneDecimal', () => {
  it('rounds half up on the decimal value, not the binary float', () => {
    expect(oneDecimal('2.25')).toBe(2.3);
    expect(oneDecimal(1.05)).toBe(1.1);
    expect(oneDecimal('2.249999')).toBe(2.2);
    expect(oneDecimal(-1.25)).toBe(-1.3);
    expect(oneDecimal(7)).toBe(7);
  });

  it('is null for null, undefined, NaN, infinities and text that is no number', () => {
    expect(oneDecimal(null)).toBeNull();
    expect(oneDecimal(undefined)).toBeNull();
    expect(oneDecimal(Number.NaN)).toBeNull();
    expect(oneDecimal(Number.POSITIVE_INFINITY)).toBeNull();
    expect(oneDecimal('abc')).toBeNull();
  });
});

describe('hoursOf and daysOf', () => {
  it('turn seconds into hours and days, one decimal', () => {
    expect(hoursOf(5400)).toBe(1.5);
    expect(hoursOf(3600 * 2.25)).toBe(2.3);
    expect(daysOf('378777.543052264808')).toBe(4.4);
    expect(daysOf('129600')).toBe(1.5);
    expect(hoursOf(0)).toBe(0);
  });

  it('keep null as null', () => {
    expect(hoursOf(null)).toBeNull();
    expect(daysOf(null)).toBeNull();
    expect(hoursOf(Number.NaN)).toBeNull();
  });
});

describe('percentageOf', () => {
  it('is part ÷ whole × 100 with one decimal', () => {
    expect(percentageOf(2, 3)).toBe(66.7);
    expect(percentageOf(1, 8)).toBe(12.5);
    expect(percentageOf(3, 3)).toBe(100);
    expect(percentageOf(0, 4)).toBe(0);
  });

  it('is null, never NaN, when there is nothing to divide by', () => {
    expect(percentageOf(0, 0)).toBeNull();
  });
});

describe('turnaroundPeriod', () => {
  it('defaults to the 90 days that end today', () => {
    expect(turnaroundPeriod('2026-03-31', {})).toEqual({
      date_from: '2026-01-01',
      date_to: '2026-03-31',
    });
  });

  it('keeps the days given; a date_to alone ends the 90 days', () => {
    expect(turnaroundPeriod('2026-03-31', { date_from: '2026-03-01' })).toEqual({
      date_from: '2026-03-01',
      date_to: '2026-03-31',
    });
    expect(turnaroundPeriod('2026-03-31', { date_to: '2025-03-01', date_from: null })).toEqual({
      date_from: '2024-12-02',
      date_to: '2025-03-01',
    });
  });
});

describe('addDays', () => {
  it('crosses months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2026-03-31', -89)).toBe('2026-01-01');
  });
});
