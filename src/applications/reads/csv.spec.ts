import { csvField, csvLine, neutraliseFormula } from './csv';

describe('csvField', () => {
  it('leaves plain text, numbers and booleans as they are', () => {
    expect(csvField('Sok Dara')).toBe('Sok Dara');
    expect(csvField(42)).toBe('42');
    expect(csvField('15000.50')).toBe('15000.50');
    expect(csvField(true)).toBe('true');
  });

  it('writes null and undefined as an empty field', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });

  it('writes times as ISO 8601 UTC', () => {
    expect(csvField(new Date('2025-03-01T02:03:04.005Z'))).toBe('2025-03-01T02:03:04.005Z');
  });

  it('quotes fields holding a comma, a quote, CR or LF, and doubles the quotes', () => {
    expect(csvField('Sok, Dara')).toBe('"Sok, Dara"');
    expect(csvField('the "big" shop')).toBe('"the ""big"" shop"');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('line 1\r\nline 2')).toBe('"line 1\r\nline 2"');
    expect(csvField('"')).toBe('""""');
  });

  it('keeps Khmer text untouched', () => {
    expect(csvField('សុខ ដារា')).toBe('សុខ ដារា');
  });

  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', `"'\r=1"`],
    ['=1,2', `"'=1,2"`],
  ])('neutralises the formula %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('leaves plain negative numbers alone, and formula characters past the first', () => {
    expect(csvField('-12.50')).toBe('-12.50');
    expect(csvField('-3')).toBe('-3');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(' =1')).toBe(' =1');
  });

  it('does not neutralise numbers (only text can hold a formula)', () => {
    expect(csvField(-5)).toBe('-5');
  });
});

describe('neutraliseFormula', () => {
  it('prefixes a single quote only where needed', () => {
    expect(neutraliseFormula('=A1')).toBe("'=A1");
    expect(neutraliseFormula('A1')).toBe('A1');
    expect(neutraliseFormula('')).toBe('');
  });
});

describe('csvLine', () => {
  it('joins the fields with commas and ends with CRLF', () => {
    expect(csvLine(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
  });

  it('makes an empty record of no fields', () => {
    expect(csvLine([])).toBe('\r\n');
  });
});
