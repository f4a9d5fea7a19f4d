/**
 * Value checkers for known settings: each returns the problems of a value as readable
 * sentences (empty when valid). Pure functions, no Nest.
 */
export type Check = (value: unknown) => string[];

export interface CatalogEntry {
  value: string;
  label: string;
}

/** Deeper values are refused: JSON.stringify and class-transformer recurse, and would overflow. */
export const MAX_JSON_DEPTH = 32;

/**
 * Problems of a JSON value's structure that hold for every key: nesting deeper than
 * MAX_JSON_DEPTH, and the NUL character (PostgreSQL's jsonb refuses `\u0000`). Walks the value
 * with a stack of its own, so that no input can exhaust the call stack.
 */
export function jsonStructureProblems(value: unknown): string[] {
  const pending: [unknown, number][] = [[value, 0]];
  let hasNul = false;
  while (pending.length) {
    const [item, depth] = pending.pop()!;
    if (typeof item === 'string') {
      hasNul ||= item.includes('\u0000');
    } else if (typeof item === 'object' && item !== null) {
      if (depth >= MAX_JSON_DEPTH) return [`must be nested at most ${MAX_JSON_DEPTH} levels deep`];
      for (const [key, child] of Object.entries(item)) {
        hasNul ||= key.includes('\u0000');
        pending.push([child, depth + 1]);
      }
    }
  }
  return hasNul ? ['must not contain the NUL character (\\u0000)'] : [];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const integer =
  (min: number, max: number): Check =>
  (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? []
      : [`must be a whole number from ${min} to ${max}`];

/** The largest amount a `numeric(15,2)` column holds. */
export const MAX_AMOUNT = 9_999_999_999_999.99;

/**
 * A money amount as JSON carries it: 0 to MAX_AMOUNT with at most two decimals. The decimals
 * are read from the number's text, since float arithmetic (`0.29 * 100`) is not exact.
 */
export function isAmount(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    value >= 0 &&
    value <= MAX_AMOUNT &&
    /^\d+(\.\d{1,2})?$/.test(String(value))
  );
}

export const amount: Check = (value) =>
  isAmount(value) ? [] : [`must be an amount from 0 to ${MAX_AMOUNT} with at most 2 decimals`];

export const boolean: Check = (value) =>
  typeof value === 'boolean' ? [] : ['must be true or false'];

export const text =
  (maxLength: number, pattern?: RegExp, patternMessage = 'has an invalid format'): Check =>
  (value) => {
    if (typeof value !== 'string') return ['must be a string'];
    if (value.length > maxLength) return [`must be at most ${maxLength} characters`];
    if (pattern && value !== '' && !pattern.test(value)) return [patternMessage];
    return [];
  };

export const oneOf =
  (allowed: readonly string[]): Check =>
  (value) =>
    typeof value === 'string' && allowed.includes(value)
      ? []
      : [`must be one of: ${allowed.join(', ')}`];

export const url = text(500, /^https?:\/\/\S+$/, 'must be an http(s) URL');
export const email = text(255, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address');

export const timezone: Check = (value) => {
  if (typeof value !== 'string') return ['must be an IANA time zone such as Asia/Phnom_Penh'];
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return [];
  } catch {
    return ['must be an IANA time zone such as Asia/Phnom_Penh'];
  }
};

const CATALOG_VALUE = /^[A-Za-z0-9_-]{1,50}$/;

/** A catalogue: 1 to 200 `{value, label}` entries with unique values. */
export const catalog: Check = (value) => {
  if (!Array.isArray(value) || value.length === 0 || value.length > 200) {
    return ['must be a list of 1 to 200 {value, label} entries'];
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  value.forEach((entry, index) => {
    if (!isObject(entry) || Object.keys(entry).some((k) => k !== 'value' && k !== 'label')) {
      problems.push(`item ${index} must be {value, label}`);
      return;
    }
    if (typeof entry.value !== 'string' || !CATALOG_VALUE.test(entry.value)) {
      problems.push(`item ${index}: value must be 1-50 letters, digits, "_" or "-"`);
    } else if (seen.has(entry.value)) {
      problems.push(`item ${index}: value "${entry.value}" appears twice`);
    } else {
      seen.add(entry.value);
    }
    if (typeof entry.label !== 'string' || entry.label.trim() === '' || entry.label.length > 200) {
      problems.push(`item ${index}: label must be 1-200 characters`);
    }
  });
  return problems;
};

/** A list of distinct strings (each checked by `item`). */
export const stringList =
  (item: Check, maxItems = 100): Check =>
  (value) => {
    if (!Array.isArray(value) || value.length > maxItems) {
      return [`must be a list of at most ${maxItems} strings`];
    }
    if (new Set(value).size !== value.length) return ['must not repeat an entry'];
    return value.flatMap((entry, index) => item(entry).map((p) => `item ${index} ${p}`));
  };

const CURRENCY = /^[A-Z]{3}$/;

/** `{role: {currency: amount or null}}`; null means unlimited. */
export const approvalLimits =
  (roles: readonly string[]): Check =>
  (value) => {
    if (!isObject(value)) return ['must be an object {role: {currency: amount or null}}'];
    const problems: string[] = [];
    for (const [role, limits] of Object.entries(value)) {
      if (!roles.includes(role)) {
        problems.push(`"${role}" is not a role (${roles.join(', ')})`);
        continue;
      }
      if (!isObject(limits)) {
        problems.push(`${role} must be an object {currency: amount or null}`);
        continue;
      }
      for (const [currency, amount] of Object.entries(limits)) {
        if (!CURRENCY.test(currency)) problems.push(`${role}.${currency} is not an ISO 4217 code`);
        if (amount !== null && !isAmount(amount)) {
          problems.push(
            `${role}.${currency} must be null (unlimited) or an amount from 0 to ${MAX_AMOUNT} with at most 2 decimals`,
          );
        }
      }
    }
    return problems;
  };

/** Whole-number weights per factor that add up to 100. */
export const weights =
  (factors: readonly string[]): Check =>
  (value) => {
    if (!isObject(value)) return [`must be an object {${factors.join(', ')}}`];
    const problems: string[] = [];
    for (const key of Object.keys(value)) {
      if (!factors.includes(key)) problems.push(`"${key}" is not a factor (${factors.join(', ')})`);
    }
    for (const factor of factors) {
      const weight = value[factor];
      if (!Number.isInteger(weight) || (weight as number) < 0 || (weight as number) > 100) {
        problems.push(`${factor} must be a whole number from 0 to 100`);
      }
    }
    const sum = factors.reduce((total, factor) => total + (Number(value[factor]) || 0), 0);
    if (!problems.length && sum !== 100)
      problems.push(`weights must add up to 100 (they add up to ${sum})`);
    return problems;
  };

/** `{low, medium}` credit-score thresholds: 0 ≤ medium < low ≤ 100. */
export const riskThresholds: Check = (value) => {
  if (!isObject(value)) return ['must be an object {low, medium}'];
  const { low, medium } = value;
  const keys = Object.keys(value).filter((k) => k !== 'low' && k !== 'medium');
  if (keys.length) return [`unknown keys: ${keys.join(', ')}`];
  if (!Number.isInteger(low) || !Number.isInteger(medium))
    return ['low and medium must be whole numbers'];
  if (!(
    (medium as number) >= 0 &&
    (medium as number) < (low as number) &&
    (low as number) <= 100
  )) {
    return ['must satisfy 0 ≤ medium < low ≤ 100'];
  }
  return [];
};
