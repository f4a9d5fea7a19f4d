import type { AuthUser } from '../../src/common/auth/auth-user';
import { applicationEnumOptions } from '../../src/enums/code-enums';
import { EnumsService } from '../../src/enums/enums.service';
import { DEFAULT_CATALOGS } from '../../src/settings/settings-registry';
import { authUserOf } from '../harness/identity';
import { putCatalog } from '../harness/settings-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';

// The expected lists are written by hand from SPEC §7 (and the original deployment's labels),
// not read from the code under test.
const ID_CARD_TYPES = [
  { value: 'cambodian_identity', label: 'អត្តសញ្ញាណប័ណ្ណសញ្ជាតិខ្មែរ' },
  { value: 'passport', label: 'លិខិតឆ្លងដែន' },
  { value: 'driver-license', label: 'ប័ណ្ណបើកបរ' },
  { value: 'gov-card', label: 'ប័ណ្ណមន្ត្រីរាជការ' },
  { value: 'monk-card', label: 'ប័ណ្ណព្រះសង្ឃ' },
  { value: 'family-book', label: 'សៀវភៅគ្រួសារ' },
  { value: 'birth-certificate', label: 'សំបុត្រកំណើត' },
  { value: 'other', label: 'ផ្សេងៗ' },
];
const PRODUCT_TYPES = [
  { value: 'monthly_loan', label: 'បង់ប្រចាំខែ' },
  { value: 'biweekly_loan', label: 'បង់ប្រចាំ ២សប្តាហ៍' },
  { value: 'weekly_loan', label: 'បង់ប្រចាំសប្តាហ៍' },
  { value: 'daily_loan', label: 'បង់ប្រចាំថ្ងៃ' },
];
const LOAN_PURPOSES = [
  'commerce',
  'agriculture',
  'education',
  'housing',
  'vehicle',
  'medical',
  'other',
];
const LOAN_STATUSES = ['draft', 'active', 'disbursed', 'completed', 'defaulted'];
const APPLICATION_STATUSES = [
  'draft',
  'submitted',
  'initial_review',
  'credit_check',
  'approval_pending',
  'approved',
  'rejected',
  'disbursed',
  'completed',
  'withdrawn',
];
const LOAN_TERMS = ['3_months', '6_months', '12_months', '18_months', '24_months', '36_months'];
const DOCUMENT_TYPES = [
  'borrower_photo',
  'borrower_nid_front',
  'borrower_nid_back',
  'driver_license',
  'passport',
  'business_license',
  'guarantor_photo',
  'guarantor_nid_front',
  'guarantor_nid_back',
  'land_title',
  'house_photo',
  'collateral_other',
];

interface Option {
  value: string;
  label: string;
}

const valuesOf = (list: Option[]) => list.map((option) => option.value);

function expectOptions(list: unknown): asserts list is Option[] {
  expect(Array.isArray(list)).toBe(true);
  for (const option of list as Option[]) {
    expect(Object.keys(option).sort()).toEqual(['label', 'value']);
    expect(option.value).toEqual(expect.any(String));
    expect(option.label.trim()).not.toBe('');
  }
}

/** SPEC §7 "Enums", end to end. The routes are public (documented in OpenAPI). */
describe('Enums', () => {
  let t: TestApp;
  let admin: AuthUser;

  beforeAll(async () => {
    t = await createTestApp();
    const { user } = await t.signIn('admin');
    admin = authUserOf(user);
  });
  afterAll(() => t?.close());

  const get = (path: string) => t.http.get(`/api/v1/enums/${path}`);

  it('GET /enums/id-card-types: the eight id card types with their Khmer labels', async () => {
    const res = await get('id-card-types');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(ID_CARD_TYPES);
  });

  it('GET /enums/product-types: the four products with their Khmer labels', async () => {
    const res = await get('product-types');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(PRODUCT_TYPES);
  });

  it('GET /enums/loan-purposes: the seven purposes with English labels', async () => {
    const res = await get('loan-purposes');
    expect(res.status).toBe(200);
    expectOptions(res.body);
    expect(valuesOf(res.body)).toEqual(LOAN_PURPOSES);
    expect(res.body[0]).toEqual({ value: 'commerce', label: 'Commerce' });
  });

  it('GET /enums/loan-statuses: draft, active, disbursed, completed, defaulted', async () => {
    const res = await get('loan-statuses');
    expect(res.status).toBe(200);
    expectOptions(res.body);
    expect(valuesOf(res.body)).toEqual(LOAN_STATUSES);
  });

  it('GET /enums/all: every list under its camelCase key', async () => {
    const res = await get('all');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'idCardTypes',
        'loanStatuses',
        'loanPurposes',
        'productTypes',
        'riskCategories',
        'priorityLevels',
        'applicationStatuses',
        'roles',
        'documentTypes',
        'workflowStages',
        'loanTerms',
        'currencies',
      ].sort(),
    );
    for (const list of Object.values(res.body)) expectOptions(list);
    const all = res.body as Record<string, Option[]>;
    expect(all.idCardTypes).toEqual(ID_CARD_TYPES);
    expect(all.productTypes).toEqual(PRODUCT_TYPES);
    expect(valuesOf(all.loanPurposes)).toEqual(LOAN_PURPOSES);
    expect(valuesOf(all.loanStatuses)).toEqual(LOAN_STATUSES);
    expect(valuesOf(all.riskCategories)).toEqual(['low', 'medium', 'high']);
    expect(valuesOf(all.priorityLevels)).toEqual(['low', 'normal', 'high', 'urgent']);
    expect(valuesOf(all.applicationStatuses)).toEqual(APPLICATION_STATUSES);
    expect(valuesOf(all.roles)).toEqual(['admin', 'manager', 'officer', 'viewer']);
    expect(valuesOf(all.workflowStages)).toEqual([
      'submitted',
      'initial_review',
      'credit_check',
      'approval_pending',
    ]);
    expect(valuesOf(all.loanTerms)).toEqual(LOAN_TERMS);
    expect(all.loanTerms[0]).toEqual({ value: '3_months', label: '3 months' });
    expect(valuesOf(all.documentTypes)).toEqual(DOCUMENT_TYPES);
    expect(valuesOf(all.currencies)).toEqual(['USD', 'KHR']);
  });

  it('answers with and without a trailing slash, and to signed-in callers too', async () => {
    const { bearer } = await t.signIn('viewer');
    const withSlash = await t.http.get('/api/v1/enums/all/');
    expect(withSlash.status).toBe(200);
    expect(withSlash.body.idCardTypes).toEqual(ID_CARD_TYPES);
    const signedIn = await t.http.get('/api/v1/enums/product-types').set('Authorization', bearer);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual(PRODUCT_TYPES);
  });

  it('shows an admin’s catalogue edit at once, in the single list and in /enums/all', async () => {
    const added = { value: 'seasonal_loan', label: 'កម្ចីតាមរដូវ' };
    await putCatalog(t, admin, 'product_types', [
      ...DEFAULT_CATALOGS['catalog.product_types'],
      added,
    ]);
    expect((await get('product-types')).body).toEqual([...PRODUCT_TYPES, added]);
    expect((await get('all')).body.productTypes).toEqual([...PRODUCT_TYPES, added]);

    const relabelled = ID_CARD_TYPES.map((option) =>
      option.value === 'passport' ? { ...option, label: 'Passport' } : option,
    );
    await putCatalog(t, admin, 'id_card_types', relabelled);
    await putCatalog(t, admin, 'loan_terms', [{ value: '9_months', label: '9 months' }]);
    await putCatalog(t, admin, 'currencies', [
      ...DEFAULT_CATALOGS['catalog.currencies'],
      { value: 'THB', label: 'Thai Baht' },
    ]);
    const all = (await get('all')).body as Record<string, Option[]>;
    expect(all.idCardTypes).toEqual(relabelled);
    expect(all.loanTerms).toEqual([{ value: '9_months', label: '9 months' }]);
    expect(valuesOf(all.currencies)).toEqual(['USD', 'KHR', 'THB']);
    expect((await get('id-card-types')).body).toEqual(relabelled);
  });

  it('builds the snake_case lists of /applications/enums/options from the same data', async () => {
    const enums = t.app.get(EnumsService);
    const options = await enums.applicationOptions();
    expect(Object.keys(options).sort()).toEqual(
      [
        'id_card_types',
        'loan_statuses',
        'loan_purposes',
        'product_types',
        'risk_categories',
        'priority_levels',
        'application_statuses',
        'loan_terms',
        'workflow_stages',
      ].sort(),
    );
    const all = await enums.all();
    expect(options).toEqual(applicationEnumOptions(all));
    expect(options.product_types).toEqual(all.productTypes);
    expect(valuesOf(options.application_statuses)).toEqual(APPLICATION_STATUSES);
  });

  it('documents the routes as public with stable operationIds', async () => {
    const doc = (await t.http.get('/docs-json')).body as {
      paths: Record<
        string,
        { get: { operationId: string; security?: unknown[]; description: string } }
      >;
    };
    const expected: Record<string, string> = {
      'id-card-types': 'enums_id_card_types',
      'loan-statuses': 'enums_loan_statuses',
      'loan-purposes': 'enums_loan_purposes',
      'product-types': 'enums_product_types',
      all: 'enums_all',
    };
    for (const [path, operationId] of Object.entries(expected)) {
      const operation = doc.paths[`/api/v1/enums/${path}`].get;
      expect(operation.operationId).toBe(operationId);
      expect(operation.security ?? []).toEqual([]);
      expect(operation.description).toMatch(/^Public \(no token\)/);
    }
  });
});
