import { moneyJson, moneyText } from './money';

describe('moneyText', () => {
  it.each([
    [100, '100'],
    [1234.5, '1234.5'],
    ['1234.50', '1234.5'],
    [' 0.01 ', '0.01'],
    ['9999999999999.99', '9999999999999.99'],
    [-5, '-5'],
  ])('%p → %p', (input, text) => {
    expect(moneyText(input)).toBe(text);
  });

  it.each([
    [1.234],
    ['1.234'],
    ['1e5'],
    [1e21],
    ['12,000'],
    [''],
    [NaN],
    [Infinity],
    [true],
    [null],
    ['99999999999999'],
  ])('refuses %p', (input) => {
    expect(moneyText(input)).toBeUndefined();
  });
});

describe('moneyJson', () => {
  it('prints every numeric(15,2) value back exactly', () => {
    for (const text of ['9999999999999.99', '0.01', '1234567890123.45', '0.10']) {
      expect(JSON.stringify(moneyJson(text))).toBe(text.replace(/\.?0+$/, '') || '0');
    }
    expect(moneyJson(null)).toBeNull();
  });
});
