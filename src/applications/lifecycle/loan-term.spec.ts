import { loanEndDate, termInMonths, todayIn } from './loan-term';

describe('termInMonths', () => {
  it.each([
    ['12_months', 12],
    ['1_month', 1],
    ['2_years', 24],
    ['1_year', 12],
    ['26_weeks', 6],
    ['52_weeks', 12],
    ['12', 12],
    [' 18_MONTHS ', 18],
    ['12 months', 12],
  ])('reads %p as %p months', (term, months) => {
    expect(termInMonths(term)).toBe(months);
  });

  it('converts weeks that are not a whole number of months to a fraction', () => {
    expect(termInMonths('10_weeks')).toBeCloseTo(120 / 52, 10);
  });

  it.each([
    null,
    undefined,
    '',
    '   ',
    '0',
    '0_months',
    '-3_months',
    '1.5',
    '12_days',
    'months',
    'twelve months',
    '12_months_extra',
  ])('answers null for %p', (term) => {
    expect(termInMonths(term)).toBeNull();
  });
});

describe('loanEndDate', () => {
  it.each([
    ['2026-01-15', '12_months', '2027-01-15'],
    ['2026-01-31', '1_months', '2026-02-28'],
    ['2028-01-31', '1_months', '2028-02-29'],
    ['2026-03-31', '1_months', '2026-04-30'],
    ['2026-08-31', '6', '2027-02-28'],
    ['2026-11-30', '3_months', '2027-02-28'],
    ['2024-02-29', '1_years', '2025-02-28'],
    ['2024-02-29', '4_years', '2028-02-29'],
    ['2026-01-01', '2_weeks', '2026-01-15'],
    ['2026-12-25', '1_weeks', '2027-01-01'],
    ['2028-02-22', '1_weeks', '2028-02-29'],
    ['2026-01-01', '52_weeks', '2026-12-31'],
  ])('%s + %s ends on %s', (start, term, end) => {
    expect(loanEndDate(start, term)).toBe(end);
  });

  it('does not depend on the process time zone', () => {
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      expect(loanEndDate('2026-03-29', '1_weeks')).toBe('2026-04-05');
      process.env.TZ = 'America/Los_Angeles';
      expect(loanEndDate('2026-03-08', '1_weeks')).toBe('2026-03-15');
    } finally {
      process.env.TZ = zone;
    }
  });

  it.each(['', 'soon', '0_months', '12_days'])('answers null for the term %p', (term) => {
    expect(loanEndDate('2026-01-15', term)).toBeNull();
  });

  it('answers null when the end would fall after year 9999', () => {
    expect(loanEndDate('9999-06-01', '12_months')).toBeNull();
    expect(loanEndDate('9999-12-01', '5_weeks')).toBeNull();
    expect(loanEndDate('2026-01-01', '99999999_years')).toBeNull();
  });

  it.each(['2026-02-30', '2026-13-01', '26-01-01', '2026-1-1', 'today'])(
    'throws for the start %p, which is not a calendar date',
    (start) => {
      expect(() => loanEndDate(start, '12_months')).toThrow(RangeError);
    },
  );
});

describe('todayIn', () => {
  // 2026-03-31T20:30Z: already 1 April in Phnom Penh (UTC+7), still 31 March in New York.
  const now = new Date('2026-03-31T20:30:00Z');

  it.each([
    ['Asia/Phnom_Penh', '2026-04-01'],
    ['UTC', '2026-03-31'],
    ['America/New_York', '2026-03-31'],
    ['Pacific/Kiritimati', '2026-04-01'],
  ])('in %s is %s', (zone, date) => {
    expect(todayIn(zone, now)).toBe(date);
  });

  it('gives the year with four digits', () => {
    expect(todayIn('UTC', new Date('0999-07-04T12:00:00Z'))).toBe('0999-07-04');
  });

  it('throws for an unknown zone', () => {
    expect(() => todayIn('Mars/Olympus_Mons', now)).toThrow(RangeError);
  });
});
