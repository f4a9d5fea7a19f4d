import {
  EXPORT_COLUMNS,
  EXPORT_SOURCE_COLUMNS,
  type ExportSourceRow,
  exportFileName,
  exportRecord,
} from './application-export';

const row: ExportSourceRow = {
  id: '0b0f4a52-38a2-4a3b-9d1b-8f7e0f9f6a01',
  status: 'approved',
  currency: 'USD',
  requested_amount: '5000.00',
  loan_amount: '4500.50',
  full_name_latin: 'Sok Dara',
  full_name_khmer: 'សុខ ដារា',
  id_number: 'v1:ciphertext',
  phone: '012 345 678',
  product_type: 'monthly_loan',
  desired_loan_term: '12_months',
  priority_level: 'high',
  risk_category: 'low',
  credit_score: 81,
  branch_id: null,
  department_id: null,
  user_id: '5a0f4a52-38a2-4a3b-9d1b-8f7e0f9f6a02',
  assigned_reviewer: null,
  created_at: new Date('2025-01-02T03:04:05.000Z'),
  submitted_at: null,
  approved_at: new Date('2025-01-03T00:00:00.000Z'),
  disbursed_at: null,
};

describe('exportRecord', () => {
  it('gives one value per column, in the header order', () => {
    const values = exportRecord(row, 'N123456');
    expect(values).toHaveLength(EXPORT_COLUMNS.length);
    const record = Object.fromEntries(EXPORT_COLUMNS.map((column, i) => [column, values[i]]));
    expect(record).toMatchObject({
      id: row.id,
      status: 'approved',
      loan_status: 'active',
      requested_amount: '5000.00',
      loan_amount: '4500.50',
      credit_score: 81,
      created_at: row.created_at,
      branch_id: null,
    });
  });

  it('writes the id number given in clear, never the stored ciphertext', () => {
    const values = exportRecord(row, 'N123456');
    expect(values[EXPORT_COLUMNS.indexOf('id_number')]).toBe('N123456');
    expect(values).not.toContain('v1:ciphertext');
  });

  it('reads every column but the derived loan_status from the table', () => {
    expect(EXPORT_SOURCE_COLUMNS).not.toContain('loan_status');
    expect(EXPORT_SOURCE_COLUMNS).toHaveLength(EXPORT_COLUMNS.length - 1);
  });
});

describe('exportFileName', () => {
  it('names the file after the day', () => {
    expect(exportFileName('2025-03-09')).toBe('applications-20250309.csv');
  });
});
