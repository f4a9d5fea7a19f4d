/**
 * The borrower fields an application and its customer share (SPEC §5): the entity properties
 * an application hands over when it links or creates its customer. Pure.
 */
export const BORROWER_PROPERTIES = [
  'fullNameKhmer',
  'fullNameLatin',
  'phone',
  'dateOfBirth',
  'currentAddress',
  'province',
  'district',
  'commune',
  'village',
  'occupation',
  'employerName',
  'monthlyIncome',
  'incomeSource',
] as const;

export type BorrowerProperty = (typeof BORROWER_PROPERTIES)[number];

/** The borrower fields of a row (an application's or a customer's). */
export function borrowerPropertiesOf<T extends { [K in BorrowerProperty]: string | null }>(
  row: T,
): Pick<T, BorrowerProperty> {
  return Object.fromEntries(BORROWER_PROPERTIES.map((name) => [name, row[name]])) as Pick<
    T,
    BorrowerProperty
  >;
}
