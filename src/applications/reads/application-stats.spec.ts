import {
  amountStatistics,
  isUnfiltered,
  productDistribution,
  riskDistribution,
  statusDistribution,
} from './application-stats';

describe('statusDistribution', () => {
  it('lists every status, 0 for those absent', () => {
    expect(
      statusDistribution([
        { key: 'draft', count: 2 },
        { key: 'approved', count: 1 },
      ]),
    ).toEqual({
      draft: 2,
      submitted: 0,
      initial_review: 0,
      credit_check: 0,
      approval_pending: 0,
      approved: 1,
      rejected: 0,
      disbursed: 0,
      completed: 0,
      withdrawn: 0,
    });
  });

  it('keeps the lifecycle order of the keys', () => {
    expect(Object.keys(statusDistribution([{ key: 'withdrawn', count: 1 }]))[0]).toBe('draft');
  });
});

describe('riskDistribution', () => {
  it('always has low, medium, high and unassessed', () => {
    expect(riskDistribution([])).toEqual({ low: 0, medium: 0, high: 0, unassessed: 0 });
  });

  it('counts rows without a category as unassessed', () => {
    expect(
      riskDistribution([
        { key: 'high', count: 3 },
        { key: null, count: 4 },
      ]),
    ).toEqual({ low: 0, medium: 0, high: 3, unassessed: 4 });
  });
});

describe('productDistribution', () => {
  it('lists the products present, most used first, and leaves out rows without one', () => {
    const result = productDistribution([
      { key: 'weekly_loan', count: 1 },
      { key: null, count: 9 },
      { key: 'monthly_loan', count: 5 },
      { key: 'daily_loan', count: 1 },
    ]);
    expect(result).toEqual({ monthly_loan: 5, daily_loan: 1, weekly_loan: 1 });
    expect(Object.keys(result)).toEqual(['monthly_loan', 'daily_loan', 'weekly_loan']);
  });
});

describe('amountStatistics', () => {
  it('turns the decimal text of SQL into numbers, over all and per currency', () => {
    expect(
      amountStatistics([
        {
          currency: null,
          total_applications: 3,
          total_amount: '4015000.50',
          average_amount: '1338333.50',
          min_amount: '5000.00',
          max_amount: '4000000.00',
        },
        {
          currency: 'USD',
          total_applications: 2,
          total_amount: '15000.50',
          average_amount: '7500.25',
          min_amount: '5000.00',
          max_amount: '10000.50',
        },
        {
          currency: 'KHR',
          total_applications: 1,
          total_amount: '4000000.00',
          average_amount: '4000000.00',
          min_amount: '4000000.00',
          max_amount: '4000000.00',
        },
      ]),
    ).toEqual({
      total_applications: 3,
      total_amount: 4015000.5,
      average_amount: 1338333.5,
      min_amount: 5000,
      max_amount: 4000000,
      by_currency: {
        KHR: {
          total_applications: 1,
          total_amount: 4000000,
          average_amount: 4000000,
          min_amount: 4000000,
          max_amount: 4000000,
        },
        USD: {
          total_applications: 2,
          total_amount: 15000.5,
          average_amount: 7500.25,
          min_amount: 5000,
          max_amount: 10000.5,
        },
      },
    });
  });

  it('answers 0 for every figure when nothing was counted', () => {
    expect(
      amountStatistics([
        {
          currency: null,
          total_applications: 0,
          total_amount: null,
          average_amount: null,
          min_amount: null,
          max_amount: null,
        },
      ]),
    ).toEqual({
      total_applications: 0,
      total_amount: 0,
      average_amount: 0,
      min_amount: 0,
      max_amount: 0,
      by_currency: {},
    });
    expect(amountStatistics([]).total_applications).toBe(0);
  });
});

describe('isUnfiltered', () => {
  it('holds when every filter is absent, null or an empty list', () => {
    expect(isUnfiltered({})).toBe(true);
    expect(isUnfiltered({ status: [], search: undefined, currency: null })).toBe(true);
  });

  it('fails on any value, even one that filters nothing', () => {
    expect(isUnfiltered({ status: ['draft'] })).toBe(false);
    expect(isUnfiltered({ search: '' })).toBe(false);
    expect(isUnfiltered({ amount_min: 0 })).toBe(false);
  });
});
