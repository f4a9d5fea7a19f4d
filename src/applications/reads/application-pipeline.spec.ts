import { PIPELINE_SETS, type PipelineQueryRow, toPipelineRows } from './application-pipeline';

const base = {
  status: null,
  branch_id: null,
  user_id: null,
  product_type: null,
  currency: 'USD',
  count: 1,
  requested: '10.00',
  approved: '0.00',
};

describe('toPipelineRows', () => {
  it('reads the dimension and its key from the GROUPING() bits of each row', () => {
    const rows: PipelineQueryRow[] = [
      { ...base, grouping: 0b0111, status: 'draft' },
      { ...base, grouping: 0b1011, branch_id: 'b1', status: null },
      { ...base, grouping: 0b1101, user_id: 'u1' },
      { ...base, grouping: 0b1110, product_type: null, currency: 'KHR' },
    ];
    expect(toPipelineRows(rows)).toEqual([
      {
        dimension: 'status',
        key: 'draft',
        currency: 'USD',
        count: 1,
        requested: '10.00',
        approved: '0.00',
      },
      {
        dimension: 'branch',
        key: 'b1',
        currency: 'USD',
        count: 1,
        requested: '10.00',
        approved: '0.00',
      },
      {
        dimension: 'officer',
        key: 'u1',
        currency: 'USD',
        count: 1,
        requested: '10.00',
        approved: '0.00',
      },
      {
        dimension: 'product',
        key: null,
        currency: 'KHR',
        count: 1,
        requested: '10.00',
        approved: '0.00',
      },
    ]);
  });

  it('has one set per dimension, and refuses a row of no set', () => {
    expect(Object.values(PIPELINE_SETS).map(([dimension]) => dimension)).toEqual([
      'status',
      'branch',
      'officer',
      'product',
    ]);
    expect(() => toPipelineRows([{ ...base, grouping: 0b1111 }])).toThrow(/grouping 15/);
  });
});
