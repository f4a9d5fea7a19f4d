import { sameValue } from './same-value';

describe('sameValue', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'ABC', false],
    ['0123', '123', false],
    ['5000.00', '5000', false],
    [null, undefined, true],
    [null, '', false],
    [null, 'x', false],
    [[{ a: 1, b: '2' }], [{ b: '2', a: 1 }], true],
    [[{ a: 1 }], [{ a: 2 }], false],
    [['commerce'], ['commerce', 'other'], false],
    [true, true, true],
  ])('%p vs %p → %p', (stored, given, same) => {
    expect(sameValue(stored, given)).toBe(same);
  });

  it.each([
    ['5000.00', '5000', true],
    ['18.0000', '18', true],
    ['5000.00', '5000.01', false],
    ['300.00', 300, true],
    [null, '0', false],
  ])('numeric %p vs %p → %p', (stored, given, same) => {
    expect(sameValue(stored, given, true)).toBe(same);
  });
});
