import type { Response } from 'supertest';
import type { AuthUser } from '../../src/common/auth/auth-user';
import { DEFAULT_CATALOGS } from '../../src/settings/settings-registry';
import { CatalogProbeModule } from '../harness/catalog-probe.module';
import { expectProblem } from '../harness/expect';
import { authUserOf } from '../harness/identity';
import { putCatalog } from '../harness/settings-fixtures';
import { createTestApp, type TestApp } from '../harness/test-app';

/** @InCatalog through the global validation pipe, against the live catalogues (SPEC §3). */
describe('Catalogue validator (@InCatalog)', () => {
  let t: TestApp;
  let admin: AuthUser;

  beforeAll(async () => {
    t = await createTestApp({ imports: [CatalogProbeModule] });
    const { user } = await t.signIn('admin');
    admin = authUserOf(user);
  });
  afterAll(() => t?.close());

  const post = (body: Record<string, unknown>) => t.http.post('/api/v1/catalog-probe').send(body);

  function expectCatalogProblem(res: Response, field: (string | number)[]): { msg: string } {
    expectProblem(res, 422);
    expect(res.body.errors).toEqual([
      { loc: ['body', ...field], msg: expect.any(String), type: 'inCatalog' },
    ]);
    return res.body.errors[0];
  }

  it('accepts catalogue values (201), a single one and each item of a list', async () => {
    const res = await post({
      product_type: 'monthly_loan',
      loan_purposes: ['commerce', 'agriculture'],
      currency: 'KHR',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      product_type: 'monthly_loan',
      loan_purposes: ['commerce', 'agriculture'],
      currency: 'KHR',
    });
    expect((await post({ product_type: 'daily_loan', loan_purposes: [] })).status).toBe(201);
  });

  it('refuses an unknown value with 422 naming the allowed ones', async () => {
    const error = expectCatalogProblem(await post({ product_type: 'yearly_loan' }), [
      'product_type',
    ]);
    expect(error.msg).toBe('must be one of: monthly_loan, biweekly_loan, weekly_loan, daily_loan');
  });

  it('refuses a list with an unknown item, naming it and the allowed values', async () => {
    const res = await post({
      product_type: 'monthly_loan',
      loan_purposes: ['commerce', 'gambling'],
    });
    const error = expectCatalogProblem(res, ['loan_purposes']);
    expect(error.msg).toBe(
      'each item must be one of: commerce, agriculture, education, housing, vehicle, medical, ' +
        'other (not allowed: "gambling")',
    );
  });

  it('refuses a missing required value, wrong types and case variants', async () => {
    expectCatalogProblem(await post({}), ['product_type']);
    expectCatalogProblem(await post({ product_type: 42 }), ['product_type']);
    expectCatalogProblem(await post({ product_type: ['monthly_loan'] }), ['product_type']);
    expectCatalogProblem(await post({ product_type: 'MONTHLY_LOAN' }), ['product_type']);
    expectCatalogProblem(await post({ product_type: 'monthly_loan', currency: 'usd' }), [
      'currency',
    ]);
  });

  it('accepts a value an admin adds to the catalogue at once, and refuses one removed', async () => {
    expectCatalogProblem(await post({ product_type: 'seasonal_loan' }), ['product_type']);
    const products = [...DEFAULT_CATALOGS['catalog.product_types']];
    await putCatalog(t, admin, 'product_types', [
      ...products,
      { value: 'seasonal_loan', label: 'កម្ចីតាមរដូវ' },
    ]);

    expect((await post({ product_type: 'seasonal_loan' })).status).toBe(201);
    const error = expectCatalogProblem(await post({ product_type: 'harvest_loan' }), [
      'product_type',
    ]);
    expect(error.msg).toBe(
      'must be one of: monthly_loan, biweekly_loan, weekly_loan, daily_loan, seasonal_loan',
    );

    await putCatalog(
      t,
      admin,
      'product_types',
      products.filter((entry) => entry.value !== 'daily_loan'),
    );
    expectCatalogProblem(await post({ product_type: 'daily_loan' }), ['product_type']);
    expectCatalogProblem(await post({ product_type: 'seasonal_loan' }), ['product_type']);
    expect((await post({ product_type: 'weekly_loan' })).status).toBe(201);
  });

  it('gives each of concurrent requests the message of its own field', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        index % 2
          ? post({ product_type: 'monthly_loan', loan_purposes: [`bad_${index}`] })
          : post({ product_type: `bad_${index}` }),
      ),
    );
    answers.forEach((res, index) => {
      const error = expectCatalogProblem(res, [index % 2 ? 'loan_purposes' : 'product_type']);
      expect(error.msg).toContain(index % 2 ? `"bad_${index}"` : 'must be one of: monthly_loan');
    });
  });
});
