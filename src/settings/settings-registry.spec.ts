import {
  CATEGORY_PATTERN,
  definitionOf,
  isKnownSetting,
  MAX_VALUE_BYTES,
  RISK_FACTORS,
  SETTING_KEY_PATTERN,
  SETTINGS,
  settingValueProblems,
} from './settings-registry';

/** A value's problems for `key` (the registry's checks, size included). */
const problems = (key: string, value: unknown) => settingValueProblems(key, value);
const accepts = (key: string, value: unknown) => expect(problems(key, value)).toEqual([]);
const refuses = (key: string, value: unknown, message?: string | RegExp) => {
  const found = problems(key, value);
  expect(found.length).toBeGreaterThan(0);
  if (message) expect(found.join('\n')).toMatch(message);
};

describe('the settings registry', () => {
  it.each(Object.keys(SETTINGS))('accepts the default of %s', (key) => {
    accepts(key, definitionOf(key)!.default);
  });

  it('declares a category that follows the category rule, and a description, for each key', () => {
    for (const [key, definition] of Object.entries(SETTINGS)) {
      expect(SETTING_KEY_PATTERN.test(key)).toBe(true);
      expect(key.length).toBeLessThanOrEqual(100);
      expect(CATEGORY_PATTERN.test(definition.category)).toBe(true);
      expect(definition.description.length).toBeGreaterThan(0);
    }
  });

  it('marks the keys the server only stores for clients in their description', () => {
    for (const definition of Object.values(SETTINGS)) {
      expect(definition.description.includes('the server does not act on it')).toBe(
        !definition.obeyed,
      );
    }
    expect(SETTINGS.password_min_length.obeyed).toBe(true);
    expect(SETTINGS.session_timeout_minutes.obeyed).toBe(false);
  });

  it('keeps the original visibility: general, security and catalogues public, the rest not', () => {
    expect(SETTINGS.password_min_length.isPublic).toBe(true);
    expect(SETTINGS.app_name.isPublic).toBe(true);
    expect(SETTINGS['catalog.product_types'].isPublic).toBe(true);
    expect(SETTINGS.approval_limits.isPublic).toBe(false);
    expect(SETTINGS.default_user_role.isPublic).toBe(false);
    expect(SETTINGS.email_new_application.isPublic).toBe(false);
  });

  it('knows its keys and no others', () => {
    expect(isKnownSetting('password_min_length')).toBe(true);
    expect(isKnownSetting('catalog.currencies')).toBe(true);
    expect(isKnownSetting('company_fax')).toBe(false);
    expect(isKnownSetting('toString')).toBe(false);
    expect(isKnownSetting('__proto__')).toBe(false);
    expect(definitionOf('constructor')).toBeUndefined();
  });
});

describe('settingValueProblems', () => {
  describe('unknown keys', () => {
    it('accept any JSON value', () => {
      for (const value of [
        'x',
        '',
        0,
        -1.5,
        true,
        false,
        null,
        [],
        [1, 'a'],
        {},
        { a: { b: [] } },
      ]) {
        accepts('company_fax', value);
      }
    });

    it('refuse a missing value', () => {
      refuses('company_fax', undefined, 'is required');
    });
  });

  describe('the 64 kB cap', () => {
    it('accepts a value of exactly 64 kB of JSON and refuses one byte more, for every key', () => {
      const fits = 'x'.repeat(MAX_VALUE_BYTES - 2); // two quotes
      accepts('company_fax', fits);
      refuses('company_fax', `${fits}x`, /at most 64 kB/);
      refuses('app_name', `${fits}x`, /at most 64 kB/);
    });

    it('counts UTF-8 bytes, not characters', () => {
      const khmer = 'ក'.repeat(Math.ceil(MAX_VALUE_BYTES / 3)); // 3 bytes each
      refuses('company_fax', khmer, /at most 64 kB/);
      refuses('company_fax', { nested: ['y'.repeat(70 * 1024)] }, /at most 64 kB/);
    });
  });

  describe('structure', () => {
    const nested = (depth: number): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
      return value;
    };

    it('accepts 32 levels of nesting and refuses 33, for every key', () => {
      accepts('company_fax', nested(32));
      refuses('company_fax', nested(33), 'nested at most 32 levels');
      refuses('approval_limits', nested(33), 'nested at most 32 levels');
    });

    it('refuses very deep values without exhausting the stack', () => {
      const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
      refuses('company_fax', deep, 'nested at most 32 levels');
    });

    it('refuses the NUL character in strings and object keys (PostgreSQL refuses it)', () => {
      refuses('app_name', 'a\u0000b', 'NUL');
      refuses('company_fax', ['ok', { deeper: 'x\u0000' }], 'NUL');
      refuses('company_fax', { 'k\u0000': 1 }, 'NUL');
      accepts('company_fax', 'a\\u0000b'); // the six characters, not NUL
    });
  });

  describe('whole numbers in a range', () => {
    it('password_min_length: 6 to 72', () => {
      accepts('password_min_length', 6);
      accepts('password_min_length', 72);
      refuses('password_min_length', 5, 'from 6 to 72');
      refuses('password_min_length', 2, 'from 6 to 72');
      refuses('password_min_length', 73);
      refuses('password_min_length', 8.5);
      refuses('password_min_length', 'eight', 'whole number');
      refuses('password_min_length', '8');
      refuses('password_min_length', null);
      refuses('password_min_length', true);
    });

    it('session_timeout_minutes: 5 to 1440', () => {
      accepts('session_timeout_minutes', 5);
      accepts('session_timeout_minutes', 1440);
      refuses('session_timeout_minutes', 4);
      refuses('session_timeout_minutes', 1441);
    });
  });

  describe('booleans', () => {
    it.each([
      'password_require_uppercase',
      'password_require_numbers',
      'password_require_special',
      'force_logout_on_close',
      'require_admin_approval',
      'require_email_verification',
      'auto_assign_applications',
      'require_manager_approval',
      'email_new_application',
      'email_status_changes',
      'email_system_maintenance',
    ])('%s takes true or false only', (key) => {
      accepts(key, true);
      accepts(key, false);
      for (const value of ['true', 1, 0, null, [], {}]) refuses(key, value, 'true or false');
    });
  });

  describe('texts', () => {
    it('app_name, company_name, company_address, company_phone: strings up to their length', () => {
      accepts('app_name', 'LC');
      refuses('app_name', 'x'.repeat(101), 'at most 100');
      refuses('app_name', 7, 'must be a string');
      accepts('company_name', 'x'.repeat(200));
      refuses('company_name', 'x'.repeat(201));
      accepts('company_address', 'x'.repeat(500));
      refuses('company_address', 'x'.repeat(501));
      accepts('company_phone', '+855 12 345 678');
      refuses('company_phone', 'x'.repeat(31));
    });

    it('company_logo_url: an http(s) URL or empty', () => {
      accepts('company_logo_url', '');
      accepts('company_logo_url', 'https://example.test/logo.png');
      refuses('company_logo_url', 'javascript:alert(1)', 'http(s) URL');
      refuses('company_logo_url', 'ftp://example.test/logo.png');
    });

    it('company_email: an email address or empty', () => {
      accepts('company_email', '');
      accepts('company_email', 'info@example.test');
      refuses('company_email', 'not an email', 'email address');
    });

    it('default_currency: an ISO 4217 code (the catalogue is checked by the service)', () => {
      accepts('default_currency', 'USD');
      accepts('default_currency', 'EUR');
      refuses('default_currency', 'usd', 'ISO 4217');
      refuses('default_currency', 'DOLLAR');
      refuses('default_currency', 840);
    });

    it('timezone: an IANA time zone', () => {
      accepts('timezone', 'Asia/Phnom_Penh');
      accepts('timezone', 'UTC');
      refuses('timezone', 'Mars/Olympus_Mons', 'IANA time zone');
      refuses('timezone', '');
      refuses('timezone', 7);
    });
  });

  describe('choices', () => {
    it('default_language: en or km', () => {
      accepts('default_language', 'km');
      refuses('default_language', 'fr', 'one of: en, km');
    });

    it('default_user_role: a role', () => {
      for (const role of ['admin', 'manager', 'officer', 'viewer'])
        accepts('default_user_role', role);
      refuses('default_user_role', 'superuser', 'one of: admin, manager, officer, viewer');
      refuses('default_user_role', 'Officer');
    });
  });

  describe('amounts', () => {
    it('manager_approval_threshold: 0 or more, at most two decimals', () => {
      for (const value of [0, 1, 10000, 0.29, 1.1, 12345.67, 9_999_999_999_999.99]) {
        accepts('manager_approval_threshold', value);
      }
      for (const value of [-1, 10000.123, 1e14, '10000', null, Number.NaN]) {
        refuses('manager_approval_threshold', value, 'at most 2 decimals');
      }
    });

    it('approval_limits: {role: {currency: amount or null}}', () => {
      accepts('approval_limits', {});
      accepts('approval_limits', {
        admin: { USD: null },
        manager: { USD: 0.29, KHR: 41000000 },
        officer: {},
      });
      refuses('approval_limits', [], 'must be an object');
      refuses('approval_limits', null, 'must be an object');
      refuses('approval_limits', { boss: { USD: 1 } }, '"boss" is not a role');
      refuses('approval_limits', { manager: 10000 }, 'manager must be an object');
      refuses('approval_limits', { manager: { usd: 10 } }, 'manager.usd is not an ISO 4217 code');
      refuses('approval_limits', { manager: { USD: -1 } }, 'manager.USD must be null');
      refuses('approval_limits', { manager: { USD: 10.001 } }, 'at most 2 decimals');
      refuses('approval_limits', { manager: { USD: '10000' } });
    });
  });

  describe('lists of values', () => {
    it('required_application_fields: distinct application fields', () => {
      accepts('required_application_fields', []);
      accepts('required_application_fields', ['borrower_name', 'guarantor_phone']);
      refuses(
        'required_application_fields',
        ['borrower_name', 'shoe_size'],
        'item 1 must be one of',
      );
      refuses('required_application_fields', ['phone', 'phone'], 'must not repeat');
      refuses('required_application_fields', 'phone', 'must be a list');
    });

    it('required_document_types: distinct strings (the catalogue is checked by the service)', () => {
      accepts('required_document_types', []);
      accepts('required_document_types', ['borrower_photo', 'land_title']);
      refuses('required_document_types', ['land_title', 'land_title'], 'must not repeat');
      refuses('required_document_types', [42], 'item 0 must be a string');
      refuses('required_document_types', ['x'.repeat(51)], 'at most 50 characters');
      refuses(
        'required_document_types',
        Array.from({ length: 51 }, (_, i) => `t${i}`),
      );
      refuses('required_document_types', { land_title: true }, 'must be a list');
    });
  });

  describe('catalogues', () => {
    const keys = Object.keys(SETTINGS).filter((key) => key.startsWith('catalog.'));

    it('cover the six catalogues', () => {
      expect(keys.sort()).toEqual([
        'catalog.currencies',
        'catalog.document_types',
        'catalog.id_card_types',
        'catalog.loan_purposes',
        'catalog.loan_terms',
        'catalog.product_types',
      ]);
    });

    it.each(keys)('%s takes 1 to 200 {value, label} entries with distinct values', (key) => {
      accepts(key, [{ value: 'new_value', label: 'ថ្មី' }]);
      accepts(key, [
        { value: 'a-1', label: 'A' },
        { value: 'b_2', label: 'B' },
      ]);
      refuses(key, [], '1 to 200');
      refuses(
        key,
        Array.from({ length: 201 }, (_, i) => ({ value: `v${i}`, label: 'L' })),
        '1 to 200',
      );
      refuses(key, { value: 'a', label: 'A' }, '1 to 200');
      refuses(
        key,
        [
          { value: 'same', label: 'One' },
          { value: 'same', label: 'Two' },
        ],
        'item 1: value "same" appears twice',
      );
      refuses(key, ['plain'], 'item 0 must be {value, label}');
      refuses(key, [{ value: 'a', label: 'A', colour: 'red' }], 'item 0 must be {value, label}');
      refuses(key, [{ value: 'has space', label: 'A' }], 'item 0: value must be');
      refuses(key, [{ value: '', label: 'A' }], 'item 0: value must be');
      refuses(key, [{ value: 'a', label: '  ' }], 'item 0: label must be');
      refuses(key, [{ value: 'a' }], 'item 0: label must be');
    });

    it('seed the original values', () => {
      const values = (key: keyof typeof SETTINGS) =>
        (SETTINGS[key].default as { value: string }[]).map((entry) => entry.value);
      expect(values('catalog.id_card_types')).toEqual([
        'cambodian_identity',
        'passport',
        'driver-license',
        'gov-card',
        'monk-card',
        'family-book',
        'birth-certificate',
        'other',
      ]);
      expect(values('catalog.product_types')).toEqual([
        'monthly_loan',
        'biweekly_loan',
        'weekly_loan',
        'daily_loan',
      ]);
      expect(values('catalog.loan_terms')).toEqual([
        '3_months',
        '6_months',
        '12_months',
        '18_months',
        '24_months',
        '36_months',
      ]);
      expect(values('catalog.currencies')).toEqual(['USD', 'KHR']);
    });
  });

  describe('risk_weights', () => {
    const weights: Record<string, number> = Object.fromEntries(
      RISK_FACTORS.map((factor) => [factor, 0]),
    );

    it('takes whole-number weights for every factor that add up to 100', () => {
      accepts('risk_weights', { ...weights, debt_to_income: 100 });
      accepts('risk_weights', { ...weights, debt_to_income: 50, term: 50 });
    });

    it('refuses weights that do not add up to 100', () => {
      refuses(
        'risk_weights',
        { ...weights, debt_to_income: 50, term: 40 },
        'weights must add up to 100 (they add up to 90)',
      );
      refuses('risk_weights', { ...weights, debt_to_income: 60, term: 60 }, 'add up to 120');
    });

    it('refuses missing, unknown, fractional and negative factors', () => {
      const withoutTerm: Record<string, number> = { ...weights, debt_to_income: 100 };
      delete withoutTerm.term;
      refuses('risk_weights', withoutTerm, 'term must be a whole number');
      refuses(
        'risk_weights',
        { ...weights, debt_to_income: 100, luck: 0 },
        '"luck" is not a factor',
      );
      refuses('risk_weights', { ...weights, debt_to_income: 99.5, term: 0.5 }, 'whole number');
      refuses('risk_weights', { ...weights, debt_to_income: 110, term: -10 }, 'whole number');
      refuses('risk_weights', [], 'must be an object');
    });
  });

  describe('risk_thresholds', () => {
    it('takes 0 ≤ medium < low ≤ 100', () => {
      accepts('risk_thresholds', { low: 70, medium: 50 });
      accepts('risk_thresholds', { low: 100, medium: 0 });
      accepts('risk_thresholds', { low: 1, medium: 0 });
    });

    it('refuses thresholds out of order or range', () => {
      refuses('risk_thresholds', { low: 50, medium: 70 }, '0 ≤ medium < low ≤ 100');
      refuses('risk_thresholds', { low: 50, medium: 50 }, '0 ≤ medium < low ≤ 100');
      refuses('risk_thresholds', { low: 101, medium: 50 }, '0 ≤ medium < low ≤ 100');
      refuses('risk_thresholds', { low: 70, medium: -1 }, '0 ≤ medium < low ≤ 100');
    });

    it('refuses other shapes', () => {
      refuses('risk_thresholds', { low: 70.5, medium: 50 }, 'whole numbers');
      refuses('risk_thresholds', { low: 70 }, 'whole numbers');
      refuses('risk_thresholds', { low: 70, medium: 50, high: 10 }, 'unknown keys: high');
      refuses('risk_thresholds', [70, 50], 'must be an object');
    });
  });
});
