/**
 * What an application still lacks before it can be submitted (SPEC §6): the fields of the
 * setting `required_application_fields` and the document types of `required_document_types`,
 * counted from its files. Pure.
 */
export interface MissingItem {
  kind: 'field' | 'document';
  name: string;
}

/** The application's fields under their API names (its response). */
type Row = object & { full_name_khmer?: string | null; full_name_latin?: string | null };

const isBlank = (value: unknown) =>
  value === null ||
  value === undefined ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0);

/** `borrower_name` is either name; any other field is the column of that name. */
function hasField(row: Row, name: string): boolean {
  if (name === 'borrower_name')
    return !isBlank(row.full_name_latin) || !isBlank(row.full_name_khmer);
  return !isBlank((row as Record<string, unknown>)[name]);
}

export function missingForSubmit(
  row: Row,
  requiredFields: readonly string[],
  requiredDocumentTypes: readonly string[],
  documentCounts: readonly { document_type: string; count: number }[],
): MissingItem[] {
  const present = new Set(documentCounts.filter((c) => c.count > 0).map((c) => c.document_type));
  return [
    ...requiredFields
      .filter((name) => !hasField(row, name))
      .map((name) => ({ kind: 'field' as const, name })),
    ...requiredDocumentTypes
      .filter((type) => !present.has(type))
      .map((name) => ({ kind: 'document' as const, name })),
  ];
}
