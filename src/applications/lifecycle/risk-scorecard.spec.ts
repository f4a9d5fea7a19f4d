import { RISK_FACTORS } from '../../settings/settings-registry';
import { type RiskFactor, type ScorecardInput, scoreApplication } from './risk-scorecard';

// The defaults of the `risk_weights` and `risk_thresholds` settings, written out by hand.
const WEIGHTS: Record<RiskFactor, number> = {
  debt_to_income: 25,
  loan_to_income: 20,
  collateral_cover: 20,
  existing_loans: 15,
  income_source: 10,
  term: 10,
};
const THRESHOLDS = { low: 70, medium: 50 };

const score = (input: ScorecardInput, weights = WEIGHTS, thresholds = THRESHOLDS) =>
  scoreApplication(input, weights, thresholds);

/** Factor → [value, score] from a scorecard, for compact expectations. */
const measured = (input: ScorecardInput, weights = WEIGHTS) =>
  Object.fromEntries(
    Object.entries(score(input, weights).risk_breakdown).map(([factor, result]) => [
      factor,
      [result.value, result.score],
    ]),
  );

// Instalment 3000 at 12% over 12 months = 266.5464; (500 + 0 + 266.5464) / 2000 = 0.3833.
const strong: ScorecardInput = {
  monthly_income: '2000.00',
  monthly_expenses: '500.00',
  requested_amount: '3000.00',
  interest_rate: '12',
  desired_loan_term: '12_months',
  income_source: 'salary',
  existing_loans: [],
  collaterals: [{ estimated_value: '10000.00' }],
  assets_value: '20000.00',
};

// Instalment 5000 at 18% over 36 months = 180.76; (300 + 210 + 180.76) / 500 = 1.3815.
const weak: ScorecardInput = {
  monthly_income: '500.00',
  monthly_expenses: '300.00',
  requested_amount: '5000.00',
  interest_rate: '18',
  desired_loan_term: '36_months',
  income_source: 'remittance',
  existing_loans: [
    { outstanding_balance: '3000.00', monthly_payment: '150.00' },
    { outstanding_balance: '1000.00', monthly_payment: '60.00' },
  ],
  collaterals: [],
  assets_value: null,
};

// No rate: instalment 6000 / 24 = 250; (400 + 100 + 250) / 1000 = 0.75. Figures on band edges.
const middling: ScorecardInput = {
  monthly_income: '1000.00',
  monthly_expenses: '400.00',
  requested_amount: '6000.00',
  interest_rate: null,
  desired_loan_term: '24_months',
  income_source: 'business',
  existing_loans: [{ outstanding_balance: '1200.00', monthly_payment: '100.00' }],
  collaterals: [{ estimated_value: '4000.00' }, { estimated_value: '3200.00' }],
  assets_value: null,
};

const nothing: ScorecardInput = {
  monthly_income: null,
  monthly_expenses: null,
  requested_amount: null,
  interest_rate: null,
  desired_loan_term: null,
  income_source: null,
  existing_loans: null,
  collaterals: null,
  assets_value: null,
};

describe('scoreApplication', () => {
  it('scores a strong application as low risk', () => {
    // (25×100 + 20×100 + 20×100 + 15×100 + 10×100 + 10×85) / 100 = 98.5 → 99
    expect(score(strong)).toEqual({
      credit_score: 99,
      risk_category: 'low',
      risk_breakdown: {
        debt_to_income: { value: '0.3833', score: 100, weight: 25 },
        loan_to_income: { value: '0.125', score: 100, weight: 20 },
        collateral_cover: { value: '3.3333', score: 100, weight: 20 },
        existing_loans: { value: '0 loans', score: 100, weight: 15 },
        income_source: { value: 'salary', score: 100, weight: 10 },
        term: { value: '12 months', score: 85, weight: 10 },
      },
    });
  });

  it('scores a weak application as high risk', () => {
    // (25×0 + 20×40 + 20×0 + 15×30 + 10×50 + 10×45) / 100 = 22
    expect(score(weak)).toEqual({
      credit_score: 22,
      risk_category: 'high',
      risk_breakdown: {
        debt_to_income: { value: '1.3815', score: 0, weight: 25 },
        loan_to_income: { value: '0.8333', score: 40, weight: 20 },
        collateral_cover: { value: '0', score: 0, weight: 20 },
        // 4000 / 6000 = 0.6667 → 40, less 10 for the second loan
        existing_loans: { value: '2 loans, 0.6667 of annual income', score: 30, weight: 15 },
        income_source: { value: 'remittance', score: 50, weight: 10 },
        term: { value: '36 months', score: 45, weight: 10 },
      },
    });
  });

  it('scores figures that sit exactly on a band edge with that band', () => {
    // (25×40 + 20×80 + 20×60 + 15×80 + 10×80 + 10×65) / 100 = 64.5 → 65
    const card = score(middling);
    expect(card.credit_score).toBe(65);
    expect(card.risk_category).toBe('medium');
    expect(measured(middling)).toEqual({
      debt_to_income: ['0.75', 40],
      loan_to_income: ['0.5', 80],
      collateral_cover: ['1.2', 60],
      existing_loans: ['1 loan, 0.1 of annual income', 80],
      income_source: ['business', 80],
      term: ['24 months', 65],
    });
  });

  it('scores 0 for every factor, and high risk, when every figure is missing', () => {
    const card = score(nothing);
    expect(card.credit_score).toBe(0);
    expect(card.risk_category).toBe('high');
    for (const factor of RISK_FACTORS) {
      expect(card.risk_breakdown[factor]).toEqual({
        value: null,
        score: 0,
        weight: WEIGHTS[factor],
      });
    }
  });

  it('treats blank and unparseable figures as missing', () => {
    const card = score({
      ...nothing,
      monthly_income: '  ',
      monthly_expenses: 'lots',
      requested_amount: '1,000.00',
      interest_rate: 'n/a',
      desired_loan_term: 'soon',
      income_source: '   ',
      existing_loans: null,
      collaterals: [{ estimated_value: '-5' }],
      assets_value: 'NaN',
    });
    expect(card.credit_score).toBe(0);
  });

  // Starting from the strong application (99), one figure missing at a time; the factors that
  // read it drop to 0 and the others keep their scores.
  it.each<[string, Partial<ScorecardInput>, RiskFactor[], number]>([
    // 9850 - 2500 - 2000 = 5350 → 53.5 → 54
    ['monthly_income', { monthly_income: null }, ['debt_to_income', 'loan_to_income'], 54],
    ['monthly_income of 0', { monthly_income: '0.00' }, ['debt_to_income', 'loan_to_income'], 54],
    [
      'negative monthly_income',
      { monthly_income: -2000 },
      ['debt_to_income', 'loan_to_income'],
      54,
    ],
    // 9850 - 2500 = 7350 → 73.5 → 74
    ['monthly_expenses', { monthly_expenses: '' }, ['debt_to_income'], 74],
    // 9850 - 2500 - 2000 - 2000 = 3350 → 33.5 → 34
    [
      'requested_amount',
      { requested_amount: null },
      ['debt_to_income', 'loan_to_income', 'collateral_cover'],
      34,
    ],
    [
      'requested_amount of 0',
      { requested_amount: '0' },
      ['debt_to_income', 'loan_to_income', 'collateral_cover'],
      34,
    ],
    // 9850 - 2500 - 850 = 6500 → 65
    ['desired_loan_term', { desired_loan_term: null }, ['debt_to_income', 'term'], 65],
    // 9850 - 1000 = 8850 → 88.5 → 89
    ['income_source', { income_source: null }, ['income_source'], 89],
    // 9850 - 2500 - 1500 = 5850 → 58.5 → 59
    ['existing_loans', { existing_loans: null }, ['debt_to_income', 'existing_loans'], 59],
    // 9850 - 2000 = 7850 → 78.5 → 79
    ['collaterals', { collaterals: null }, ['collateral_cover'], 79],
    [
      'a collateral value',
      { collaterals: [{ estimated_value: '10000' }, {}] },
      ['collateral_cover'],
      79,
    ],
  ])('without %s', (_figure, change, zeroed, expected) => {
    const card = score({ ...strong, ...change });
    expect(card.credit_score).toBe(expected);
    for (const factor of RISK_FACTORS) {
      const result = card.risk_breakdown[factor];
      if (zeroed.includes(factor))
        expect(result).toEqual({ value: null, score: 0, weight: WEIGHTS[factor] });
      else expect(result).toEqual(score(strong).risk_breakdown[factor]);
    }
  });

  it('voids only the factor that reads a missing figure of an existing loan', () => {
    const noPayment = score({
      ...strong,
      existing_loans: [{ outstanding_balance: '1000.00', monthly_payment: null }],
    });
    expect(noPayment.risk_breakdown.debt_to_income.score).toBe(0);
    // 1000 / 24000 = 0.0417 → 80
    expect(noPayment.risk_breakdown.existing_loans).toMatchObject({
      value: '1 loan, 0.0417 of annual income',
      score: 80,
    });

    const noBalance = score({ ...strong, existing_loans: [{ monthly_payment: '100.00' }] });
    expect(noBalance.risk_breakdown.existing_loans).toMatchObject({ value: null, score: 0 });
    // (500 + 100 + 266.5464) / 2000 = 0.4333
    expect(noBalance.risk_breakdown.debt_to_income).toMatchObject({ value: '0.4333', score: 100 });
  });

  it('computes the instalment at 0% when the rate is missing, rather than voiding the factor', () => {
    // (500 + 3000 / 12) / 2000 = 0.375
    const card = score({ ...strong, interest_rate: null });
    expect(card.risk_breakdown.debt_to_income).toMatchObject({ value: '0.375', score: 100 });
    expect(card.credit_score).toBe(99);
  });

  it('does not count assets_value as cover', () => {
    expect(score({ ...strong, assets_value: null })).toEqual(score(strong));
    const unsecured = score({ ...strong, collaterals: [], assets_value: '1000000.00' });
    expect(unsecured.risk_breakdown.collateral_cover).toMatchObject({ value: '0', score: 0 });
  });

  it('tells an empty list of existing loans (none: best score) from a missing one (0)', () => {
    expect(score({ ...strong, existing_loans: [] }).risk_breakdown.existing_loans).toMatchObject({
      value: '0 loans',
      score: 100,
    });
    expect(score({ ...strong, existing_loans: null }).risk_breakdown.existing_loans).toMatchObject({
      value: null,
      score: 0,
    });
  });

  it('takes 10 off the existing-loans score for each loan beyond the first, down to 0', () => {
    const loans = (count: number) =>
      Array.from({ length: count }, () => ({ outstanding_balance: '0', monthly_payment: '0' }));
    const existing = (count: number) =>
      score({ ...strong, existing_loans: loans(count) }).risk_breakdown.existing_loans.score;
    expect([1, 2, 3, 11, 12].map(existing)).toEqual([100, 90, 80, 0, 0]);
  });

  it.each([
    ['salary', 100],
    ['Salary', 100],
    ['employment', 100],
    ['civil servant', 100],
    ['business', 80],
    ['Self-employed', 80],
    ['agriculture', 60],
    ['farming', 60],
    ['remittance', 50],
    ['pension', 40],
    ['other', 30],
  ])('scores the income source %p %p', (source, expected) => {
    expect(score({ ...strong, income_source: source }).risk_breakdown.income_source).toEqual({
      value: source,
      score: expected,
      weight: 10,
    });
  });

  it.each([
    ['3_months', '3 months', 100],
    ['26_weeks', '6 months', 100],
    ['28_weeks', '6.46 months', 85],
    ['12', '12 months', 85],
    ['1_years', '12 months', 85],
    ['18_months', '18 months', 65],
    ['36_months', '36 months', 45],
    ['5_years', '60 months', 25],
    ['72_months', '72 months', 10],
  ])('scores the term %p as %p → %p', (desired, value, expected) => {
    expect(score({ ...strong, desired_loan_term: desired }).risk_breakdown.term).toMatchObject({
      value,
      score: expected,
    });
  });

  it('follows the weights', () => {
    // The middling application with debt-to-income weighed at 0 instead of 25:
    // (0×40 + 40×80 + 20×60 + 20×80 + 10×80 + 10×65) / 100 = 74.5 → 75
    const weights = { ...WEIGHTS, debt_to_income: 0, loan_to_income: 40, existing_loans: 20 };
    const card = score(middling, weights);
    expect(card.credit_score).toBe(75);
    expect(card.risk_category).toBe('low');
    expect(card.risk_breakdown.loan_to_income).toEqual({ value: '0.5', score: 80, weight: 40 });
  });

  // All the weight on the income source (salary: 100) and the term (missing: 0), so the
  // income-source weight is the credit score.
  it.each([
    [70, 'low'],
    [69, 'medium'],
    [50, 'medium'],
    [49, 'high'],
  ])(
    'puts a credit score of %p in the %p category with the default thresholds',
    (points, category) => {
      const weights = {
        ...WEIGHTS,
        debt_to_income: 0,
        loan_to_income: 0,
        collateral_cover: 0,
        existing_loans: 0,
      };
      const card = score(
        { ...nothing, income_source: 'salary' },
        { ...weights, income_source: points, term: 100 - points },
      );
      expect(card.credit_score).toBe(points);
      expect(card.risk_category).toBe(category);
    },
  );

  it('follows the thresholds', () => {
    expect(score(middling, WEIGHTS, { low: 65, medium: 50 }).risk_category).toBe('low');
    expect(score(middling, WEIGHTS, { low: 66, medium: 65 }).risk_category).toBe('medium');
    expect(score(middling, WEIGHTS, { low: 67, medium: 66 }).risk_category).toBe('high');
  });

  it('gives the same scorecard for numbers as for numeric strings', () => {
    const asNumbers: ScorecardInput = {
      ...middling,
      monthly_income: 1000,
      monthly_expenses: 400,
      requested_amount: 6000,
      interest_rate: 0,
      existing_loans: [{ outstanding_balance: 1200, monthly_payment: 100 }],
      collaterals: [{ estimated_value: 4000 }, { estimated_value: 3200.0 }],
    };
    expect(score(asNumbers)).toEqual(score(middling));
    expect(score({ ...strong, interest_rate: 12, monthly_income: 2000.0 })).toEqual(score(strong));
  });

  it('copes with huge and tiny amounts', () => {
    const huge = '9999999999999.99';
    const hugeFigures: ScorecardInput = {
      ...strong,
      monthly_income: huge,
      monthly_expenses: huge,
      requested_amount: huge,
      existing_loans: [{ outstanding_balance: huge, monthly_payment: huge }],
      collaterals: [{ estimated_value: huge }, { estimated_value: huge }],
    };
    // The instalment at 12% over 12 months is 0.08884879 of the amount, so outgoings are
    // 2.08884879 × income; the amount is 1/12 of a year's income; the cover is exactly 2.
    expect(measured(hugeFigures)).toMatchObject({
      debt_to_income: ['2.0888', 0],
      loan_to_income: ['0.0833', 100],
      collateral_cover: ['2', 100],
      existing_loans: ['1 loan, 0.0833 of annual income', 80],
    });
    // (25×0 + 20×100 + 20×100 + 15×80 + 10×100 + 10×85) / 100 = 70.5 → 71
    expect(score(hugeFigures).credit_score).toBe(71);

    const lopsided = score({ ...strong, monthly_income: '0.01', requested_amount: huge });
    expect(lopsided.risk_breakdown.loan_to_income).toEqual({
      value: '83333333333333.25',
      score: 0,
      weight: 20,
    });
    for (const result of Object.values(lopsided.risk_breakdown)) {
      expect(result.value ?? '').not.toMatch(/e\+|e-/);
    }
  });
});
