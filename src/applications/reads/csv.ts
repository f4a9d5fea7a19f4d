/**
 * CSV text for exports: RFC 4180 quoting, CRLF line ends, and neutralised spreadsheet formulas
 * (OWASP "CSV injection"). Pure; the export streams the lines it makes one by one.
 */

export type CsvValue = string | number | boolean | Date | null | undefined;

/** A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number ("-12.50") is data, not a formula: left as it is. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
/** RFC 4180: a field holding a comma, a quote, CR or LF is quoted. */
const NEEDS_QUOTES = /[",\r\n]/;

/** Prefixes a text that a spreadsheet would run as a formula with `'`, which shows it as text. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** One field: empty for null, ISO 8601 for a time, text neutralised then quoted as needed. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  const safe = typeof value === 'string' ? neutraliseFormula(text) : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record, ended by CRLF (RFC 4180). */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * Put before the header: Excel reads a file without it in the local code page, which garbles
 * Khmer names. Other readers skip it (it is the UTF-8 byte-order mark).
 */
export const UTF8_BOM = '\uFEFF';
