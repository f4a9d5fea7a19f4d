import { sameValue } from './same-value';

describe('sameValue', () => {
  it.each([
    ['5000.00', '5000', true],
    ['18.0000', '18', true],
    ['5000.00', '5000.01', false],
    ['0123', '123', true],
    ['abc', 'abc', true],
    ['abc', 'ABC', false],
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
});
