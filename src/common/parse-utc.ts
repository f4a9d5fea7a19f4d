/** An ISO 8601 time; one without an offset is read as UTC (times in this API are UTC). */
export function parseUtc(iso: string): Date {
  const hasZone = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/.test(iso) || !iso.includes('T');
  return new Date(hasZone ? iso : `${iso}Z`);
}
