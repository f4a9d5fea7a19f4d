/**
 * The risk scorecard: an application's figures → a credit score (0-100, higher is safer), a
 * risk category and a per-factor breakdown. Weights and thresholds come from the settings
 * `risk_weights` and `risk_thresholds`. Pure, no Nest; money stays decimal (decimal.js).
 *
 * | factor           | measured as                                             | score bands (→ score)                                         |
 * |------------------|---------------------------------------------------------|---------------------------------------------------------------|
 * | debt_to_income   | (monthly_expenses + Σ existing monthly_payment + new     | ≤0.50 → 100, ≤0.60 → 80, ≤0.70 → 60, ≤0.80 → 40, ≤0.90 → 20, |
 * |                  | instalment) / monthly_income                            | else 0                                                        |
 * | loan_to_income   | amount / (monthly_income × 12)                          | ≤0.25 → 100, ≤0.50 → 80, ≤0.75 → 60, ≤1.00 → 40, ≤1.50 → 20, |
 * |                  |                                                         | else 0                                                        |
 * | collateral_cover | Σ collateral estimated_value / amount                   | ≥2.00 → 100, ≥1.50 → 80, ≥1.20 → 60, ≥1.00 → 40, ≥0.50 → 20, |
 * |                  |                                                         | else 0 (no collateral: cover 0 → 0)                           |
 * | existing_loans   | count, and Σ outstanding_balance / (monthly_income × 12) | none → 100; else by ratio: 0 → 100, ≤0.25 → 80, ≤0.50 → 60,   |
 * |                  |                                                         | ≤1.00 → 40, ≤2.00 → 20, else 0; minus 10 per loan beyond the  |
 * |                  |                                                         | first (not below 0)                                           |
 * | income_source    | the declared source, by kind                            | salary/employment 100, business 80, agriculture 60,          |
 * |                  |                                                         | remittance 50, other text 40, "other" 30                      |
 * | term             | termInMonths(desired_loan_term)                         | ≤6 → 100, ≤12 → 85, ≤24 → 65, ≤36 → 45, ≤60 → 25, else 10     |
 *
 * - The new instalment is the annuity payment on `amount` at `interest_rate` (% a year, paid
 *   monthly) over the term in months; with no usable rate it is amount / months (0%).
 *   Living expenses count as outgoings, so the debt-to-income bands allow more than a pure
 *   debt-service ratio would: at 0.50 half the income is left over.
 * - `assets_value` is not counted as cover: it is not pledged, and it usually already includes
 *   the pledged collateral, so adding it would count the same land twice.
 * - "other" scores below an unrecognised text: a named source (pension, rent...) says more
 *   than none.
 * - A missing figure scores 0 for every factor that reads it (SPEC section 6): null, blank,
 *   unparseable or negative money; an amount ≤ 0; a monthly income ≤ 0 where it divides; a term
 *   that is not understood; a list item without its figure (one unvalued collateral voids the
 *   cover). `existing_loans: []` is known (no loans); null is missing, and also voids
 *   debt-to-income, which needs the existing payments.
 * - A factor's `value` is the measured figure as text: ratios to 4 decimals, then scored as
 *   shown, so the breakdown explains its own score.
 * - credit_score = round(Σ score × weight / 100), clamped to 0-100; category: low when ≥
 *   thresholds.low, medium when ≥ thresholds.medium, else high.
 */
import { Decimal } from 'decimal.js';
import { RISK_FACTORS } from '../../settings/settings-registry';
import { termInMonths } from './loan-term';

/** Money as stored (decimal string) or as it comes in JSON lists (number). */
export type Money = string | number | null | undefined;

export interface ScorecardInput {
  monthly_income: Money;
  monthly_expenses: Money;
  /** The amount to score: the caller passes `loan_amount ?? requested_amount`. */
  requested_amount: Money;
  /** % per year. */
  interest_rate: Money;
  desired_loan_term: string | null;
  income_source: string | null;
  existing_loans: { outstanding_balance?: Money; monthly_payment?: Money }[] | null;
  collaterals: { estimated_value?: Money }[] | null;
  /** Not scored (see the top comment); part of the input so the choice is visible here. */
  assets_value: Money;
}

export type RiskFactor = (typeof RISK_FACTORS)[number];

export interface FactorResult {
  /** The measured figure as text ("0.35", "salary", "12 months"); null when missing. */
  value: string | null;
  /** 0-100 integer. */
  score: number;
  weight: number;
}

export interface Scorecard {
  /** Integer 0-100, higher is safer. */
  credit_score: number;
  risk_category: 'low' | 'medium' | 'high';
  risk_breakdown: Record<RiskFactor, FactorResult>;
}

// Local precision, so the global Decimal settings of other code never change a score.
const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/** [limit, score]: the first band whose limit the figure meets gives the score. */
type Band = readonly [limit: string, score: number];

const DEBT_TO_INCOME_AT_MOST: Band[] = [
  ['0.50', 100],
  ['0.60', 80],
  ['0.70', 60],
  ['0.80', 40],
  ['0.90', 20],
];
const LOAN_TO_INCOME_AT_MOST: Band[] = [
  ['0.25', 100],
  ['0.50', 80],
  ['0.75', 60],
  ['1.00', 40],
  ['1.50', 20],
];
const COLLATERAL_COVER_AT_LEAST: Band[] = [
  ['2.00', 100],
  ['1.50', 80],
  ['1.20', 60],
  ['1.00', 40],
  ['0.50', 20],
];
const BALANCE_TO_INCOME_AT_MOST: Band[] = [
  ['0', 100],
  ['0.25', 80],
  ['0.50', 60],
  ['1.00', 40],
  ['2.00', 20],
];
const PENALTY_PER_EXTRA_LOAN = 10;
const TERM_MONTHS_AT_MOST: Band[] = [
  ['6', 100],
  ['12', 85],
  ['24', 65],
  ['36', 45],
  ['60', 25],
];
const LONGEST_TERM_SCORE = 10;

const INCOME_SOURCE_SCORES: Record<string, number> = {
  salary: 100,
  salaried: 100,
  employment: 100,
  employed: 100,
  wage: 100,
  wages: 100,
  government: 100,
  civil_servant: 100,
  business: 80,
  self_employed: 80,
  self_employment: 80,
  trade: 80,
  commerce: 80,
  agriculture: 60,
  farming: 60,
  farm: 60,
  livestock: 60,
  fishing: 60,
  remittance: 50,
  remittances: 50,
  other: 30,
};
const UNRECOGNISED_INCOME_SOURCE_SCORE = 40;

const MONEY_PATTERN = /^\d+(\.\d+)?$/;

/** A non-negative decimal, or null when the figure is missing or unusable. */
function money(value: Money): Decimal | null {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? new Dec(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return MONEY_PATTERN.test(text) ? new Dec(text) : null;
}

const positive = (value: Decimal | null): Decimal | null => (value && value.gt(0) ? value : null);

/** The sum of one figure over a list, or null when the list or any item's figure is missing. */
function sumOf<T>(items: T[] | null, figure: (item: T) => Money): Decimal | null {
  if (!items) return null;
  let total = new Dec(0);
  for (const item of items) {
    const value = money(figure(item));
    if (!value) return null;
    total = total.plus(value);
  }
  return total;
}

/** Ratios to 4 decimals, in plain notation even for huge figures. */
const ratioText = (ratio: Decimal): string => ratio.toDecimalPlaces(4).toFixed();

function scoreAtMost(figure: Decimal, bands: Band[], otherwise = 0): number {
  return bands.find(([limit]) => figure.lte(limit))?.[1] ?? otherwise;
}

function scoreAtLeast(figure: Decimal, bands: Band[]): number {
  return bands.find(([limit]) => figure.gte(limit))?.[1] ?? 0;
}

type Measure = { value: string; score: number } | null;

/** The level monthly payment of an annuity loan; 0% rate → straight division. */
function monthlyInstalment(amount: Decimal, annualRatePercent: Decimal, months: number): Decimal {
  const rate = annualRatePercent.div(1200);
  if (rate.isZero()) return amount.div(months);
  return amount.times(rate).div(new Dec(1).minus(rate.plus(1).pow(-months)));
}

function debtToIncome(
  input: ScorecardInput,
  amount: Decimal | null,
  income: Decimal | null,
): Measure {
  const months = termInMonths(input.desired_loan_term);
  const expenses = money(input.monthly_expenses);
  const existingPayments = sumOf(input.existing_loans, (loan) => loan.monthly_payment);
  if (!amount || !income || !months || !expenses || !existingPayments) return null;
  const rate = money(input.interest_rate) ?? new Dec(0);
  const outgoings = expenses.plus(existingPayments).plus(monthlyInstalment(amount, rate, months));
  const value = ratioText(outgoings.div(income));
  return { value, score: scoreAtMost(new Dec(value), DEBT_TO_INCOME_AT_MOST) };
}

function loanToIncome(amount: Decimal | null, income: Decimal | null): Measure {
  if (!amount || !income) return null;
  const value = ratioText(amount.div(income.times(12)));
  return { value, score: scoreAtMost(new Dec(value), LOAN_TO_INCOME_AT_MOST) };
}

function collateralCover(input: ScorecardInput, amount: Decimal | null): Measure {
  const collateral = sumOf(input.collaterals, (item) => item.estimated_value);
  if (!amount || !collateral) return null;
  const value = ratioText(collateral.div(amount));
  return { value, score: scoreAtLeast(new Dec(value), COLLATERAL_COVER_AT_LEAST) };
}

function existingLoans(input: ScorecardInput, income: Decimal | null): Measure {
  const loans = input.existing_loans;
  if (!loans) return null;
  if (loans.length === 0) return { value: '0 loans', score: 100 };
  const balance = sumOf(loans, (loan) => loan.outstanding_balance);
  if (!balance || !income) return null;
  const ratio = ratioText(balance.div(income.times(12)));
  const byBalance = scoreAtMost(new Dec(ratio), BALANCE_TO_INCOME_AT_MOST);
  const score = Math.max(0, byBalance - PENALTY_PER_EXTRA_LOAN * (loans.length - 1));
  const count = loans.length === 1 ? '1 loan' : `${loans.length} loans`;
  return { value: `${count}, ${ratio} of annual income`, score };
}

function incomeSource(source: string | null): Measure {
  const text = source?.trim();
  if (!text) return null;
  const kind = text.toLowerCase().replace(/[\s-]+/g, '_');
  return { value: text, score: INCOME_SOURCE_SCORES[kind] ?? UNRECOGNISED_INCOME_SOURCE_SCORE };
}

function term(desiredTerm: string | null): Measure {
  const months = termInMonths(desiredTerm);
  if (!months) return null;
  // Weeks give fractional months; compare and show them to 2 decimals.
  const shown = new Dec(months).toDecimalPlaces(2);
  return {
    value: `${shown.toFixed()} months`,
    score: scoreAtMost(shown, TERM_MONTHS_AT_MOST, LONGEST_TERM_SCORE),
  };
}

function riskCategory(score: number, thresholds: { low: number; medium: number }) {
  if (score >= thresholds.low) return 'low';
  if (score >= thresholds.medium) return 'medium';
  return 'high';
}

/** Scores an application's figures with the given factor weights and category thresholds. */
export function scoreApplication(
  input: ScorecardInput,
  weights: Record<RiskFactor, number>,
  thresholds: { low: number; medium: number },
): Scorecard {
  const amount = positive(money(input.requested_amount));
  const income = positive(money(input.monthly_income));
  const measures: Record<RiskFactor, Measure> = {
    debt_to_income: debtToIncome(input, amount, income),
    loan_to_income: loanToIncome(amount, income),
    collateral_cover: collateralCover(input, amount),
    existing_loans: existingLoans(input, income),
    income_source: incomeSource(input.income_source),
    term: term(input.desired_loan_term),
  };

  const breakdown = {} as Record<RiskFactor, FactorResult>;
  let weighted = 0;
  for (const factor of RISK_FACTORS) {
    const measure = measures[factor];
    const weight = weights[factor];
    breakdown[factor] = { value: measure?.value ?? null, score: measure?.score ?? 0, weight };
    weighted += breakdown[factor].score * weight;
  }
  const creditScore = Math.min(100, Math.max(0, Math.round(weighted / 100)));
  return {
    credit_score: creditScore,
    risk_category: riskCategory(creditScore, thresholds),
    risk_breakdown: breakdown,
  };
}
