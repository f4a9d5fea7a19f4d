import { missingForSubmit } from './submit-requirements';

describe('missingForSubmit', () => {
  const complete = {
    full_name_latin: 'Sok Dara',
    full_name_khmer: null,
    id_number: 'v1:cipher',
    phone: '012 345 678',
    requested_amount: '1500.00',
    product_type: 'monthly_loan',
    desired_loan_term: '12_months',
    loan_purposes: ['commerce'],
  };
  const defaults = [
    'borrower_name',
    'id_number',
    'phone',
    'requested_amount',
    'product_type',
    'desired_loan_term',
  ];

  it('finds nothing missing in a complete application', () => {
    expect(missingForSubmit(complete, defaults, [], [])).toEqual([]);
  });

  it('accepts either name as the borrower name', () => {
    const khmer = { ...complete, full_name_latin: '  ', full_name_khmer: 'សុខ ដារា' };
    expect(missingForSubmit(khmer, ['borrower_name'], [], [])).toEqual([]);
    const none = { ...complete, full_name_latin: null };
    expect(missingForSubmit(none, ['borrower_name'], [], [])).toEqual([
      { kind: 'field', name: 'borrower_name' },
    ]);
  });

  it('lists missing, blank and empty-list fields in the order of the setting', () => {
    const row = { ...complete, phone: '', requested_amount: null, loan_purposes: [] };
    expect(missingForSubmit(row, [...defaults, 'loan_purposes'], [], [])).toEqual([
      { kind: 'field', name: 'phone' },
      { kind: 'field', name: 'requested_amount' },
      { kind: 'field', name: 'loan_purposes' },
    ]);
  });

  it('lists the required document types without a file', () => {
    const counts = [
      { document_type: 'borrower_photo', count: 2 },
      { document_type: 'land_title', count: 0 },
    ];
    expect(
      missingForSubmit(
        complete,
        [],
        ['borrower_photo', 'borrower_nid_front', 'land_title'],
        counts,
      ),
    ).toEqual([
      { kind: 'document', name: 'borrower_nid_front' },
      { kind: 'document', name: 'land_title' },
    ]);
  });
});
