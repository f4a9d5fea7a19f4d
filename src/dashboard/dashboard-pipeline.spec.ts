import type { PipelineRow } from '../applications/reads/application-pipeline';
import { APPLICATION_STATUSES } from '../enums/code-enums';
import { idsToName, officerName, pipelineOf } from './dashboard-pipeline';

const BRANCH_A = '00000000-0000-4000-8000-00000000000a';
const BRANCH_B = '00000000-0000-4000-8000-00000000000b';
const OFFICER_1 = '00000000-0000-4000-8000-000000000001';
const OFFICER_2 = '00000000-0000-4000-8000-000000000002';

const row = (
  dimension: PipelineRow['dimension'],
  key: string | null,
  currency: string,
  count: number,
  requested: string,
  approved = '0.00',
): PipelineRow => ({ dimension, key, currency, count, requested, approved });

const names = {
  branches: new Map([
    [BRANCH_A, 'Phnom Penh'],
    [BRANCH_B, 'Battambang'],
  ]),
  officers: new Map([
    [OFFICER_1, 'Dara Sok'],
    [OFFICER_2, 'Bopha Chan'],
  ]),
};

describe('pipelineOf', () => {
  it('lists every status in lifecycle order, 0 and no amounts when none', () => {
    const answer = pipelineOf(
      [
        row('status', 'approved', 'USD', 2, '15000.50', '14000.00'),
        row('status', 'draft', 'KHR', 1, '4100000.00'),
        row('status', 'draft', 'USD', 3, '900.25'),
      ],
      names,
    );
    expect(answer.by_status.map((entry) => entry.status)).toEqual(
      APPLICATION_STATUSES.map((status) => status.value),
    );
    expect(answer.by_status.find((entry) => entry.status === 'draft')).toEqual({
      status: 'draft',
      count: 4,
      // By currency code; never added together.
      amounts: [
        { currency: 'KHR', requested: 4100000, approved: 0 },
        { currency: 'USD', requested: 900.25, approved: 0 },
      ],
    });
    expect(answer.by_status.find((entry) => entry.status === 'approved')).toEqual({
      status: 'approved',
      count: 2,
      amounts: [{ currency: 'USD', requested: 15000.5, approved: 14000 }],
    });
    expect(answer.by_status.find((entry) => entry.status === 'rejected')).toEqual({
      status: 'rejected',
      count: 0,
      amounts: [],
    });
  });

  it('keeps a status the code does not know, after the known ones', () => {
    const answer = pipelineOf([row('status', 'archived', 'USD', 1, '10.00')], names);
    expect(answer.by_status.at(-1)).toEqual({
      status: 'archived',
      count: 1,
      amounts: [{ currency: 'USD', requested: 10, approved: 0 }],
    });
  });

  it('names branches and officers, most applications first, then by name', () => {
    const answer = pipelineOf(
      [
        row('branch', BRANCH_A, 'USD', 2, '200.00'),
        row('branch', null, 'USD', 5, '500.00'),
        row('branch', BRANCH_B, 'USD', 1, '100.00'),
        row('branch', BRANCH_B, 'KHR', 1, '410000.00'),
        row('officer', OFFICER_1, 'USD', 2, '200.00'),
        row('officer', OFFICER_2, 'USD', 2, '300.00'),
      ],
      names,
    );
    expect(answer.by_branch).toEqual([
      {
        branch_id: null,
        branch_name: null,
        count: 5,
        amounts: [{ currency: 'USD', requested: 500, approved: 0 }],
      },
      {
        // Tied at 2 with A: Battambang before Phnom Penh.
        branch_id: BRANCH_B,
        branch_name: 'Battambang',
        count: 2,
        amounts: [
          { currency: 'KHR', requested: 410000, approved: 0 },
          { currency: 'USD', requested: 100, approved: 0 },
        ],
      },
      {
        branch_id: BRANCH_A,
        branch_name: 'Phnom Penh',
        count: 2,
        amounts: [{ currency: 'USD', requested: 200, approved: 0 }],
      },
    ]);
    expect(answer.by_officer.map((entry) => [entry.officer_name, entry.user_id])).toEqual([
      ['Bopha Chan', OFFICER_2],
      ['Dara Sok', OFFICER_1],
    ]);
  });

  it('answers null for a name it was not given, and keeps products without one', () => {
    const gone = '00000000-0000-4000-8000-0000000000ff';
    const answer = pipelineOf(
      [
        row('officer', gone, 'USD', 1, '1.00'),
        row('product', null, 'USD', 1, '1.00'),
        row('product', 'weekly_loan', 'USD', 1, '2.00'),
        row('product', 'monthly_loan', 'USD', 4, '3.00'),
      ],
      names,
    );
    expect(answer.by_officer).toEqual([
      {
        user_id: gone,
        officer_name: null,
        count: 1,
        amounts: [{ currency: 'USD', requested: 1, approved: 0 }],
      },
    ]);
    expect(answer.by_product.map((entry) => entry.product_type)).toEqual([
      'monthly_loan',
      'weekly_loan',
      null,
    ]);
  });

  it('answers empty lists (and every status at 0) when there is nothing', () => {
    const answer = pipelineOf([], names);
    expect(answer.by_status.every((entry) => entry.count === 0)).toBe(true);
    expect(answer).toMatchObject({ by_branch: [], by_officer: [], by_product: [] });
  });

  it('keeps money exact to the cent as JSON numbers', () => {
    const answer = pipelineOf(
      [row('product', 'monthly_loan', 'KHR', 1, '9999999999999.99', '0.10')],
      names,
    );
    expect(answer.by_product[0].amounts).toEqual([
      { currency: 'KHR', requested: 9999999999999.99, approved: 0.1 },
    ]);
    expect(JSON.stringify(answer.by_product[0].amounts[0])).toContain('9999999999999.99');
  });
});

describe('idsToName', () => {
  it('lists each branch and officer once, without nulls', () => {
    expect(
      idsToName([
        row('branch', BRANCH_A, 'USD', 1, '1.00'),
        row('branch', BRANCH_A, 'KHR', 1, '1.00'),
        row('branch', null, 'USD', 1, '1.00'),
        row('officer', OFFICER_1, 'USD', 1, '1.00'),
        row('status', 'draft', 'USD', 1, '1.00'),
      ]),
    ).toEqual({ branches: [BRANCH_A], officers: [OFFICER_1] });
  });
});

describe('officerName', () => {
  it('joins first and last name, else the username', () => {
    expect(officerName({ username: 'dsok', firstName: 'Dara', lastName: 'Sok' })).toBe('Dara Sok');
    expect(officerName({ username: 'dsok', firstName: ' ', lastName: null })).toBe('dsok');
  });
});
