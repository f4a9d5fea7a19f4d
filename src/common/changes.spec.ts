import { changedValues, changesOf, isEmpty, sameValue } from './changes';

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

describe('changesOf', () => {
  it('returns only the requested fields whose value changed, with both sides', () => {
    const current = { name: 'Credit', managerId: 'a' as string | null, isActive: true };
    const changes = changesOf(current, { name: 'Credit', managerId: null });
    expect(changes).toEqual({ managerId: { from: 'a', to: null } });
    expect(changedValues(changes)).toEqual({ managerId: null });
  });

  it('leaves absent and undefined fields alone', () => {
    const current = { name: 'Credit', isActive: true };
    expect(isEmpty(changesOf(current, {}))).toBe(true);
    expect(changesOf(current, { isActive: undefined })).toEqual({});
  });

  it('compares the money fields by amount and everything else exactly', () => {
    const current = { monthly_income: '5000.00', phone: '0123' };
    expect(
      changesOf(current, { monthly_income: '5000', phone: '0123' }, { money: ['monthly_income'] }),
    ).toEqual({});
    expect(changesOf(current, { phone: '123' })).toEqual({ phone: { from: '0123', to: '123' } });
  });
});
