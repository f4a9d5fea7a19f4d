import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1}',
    );
  });

  it('makes key order irrelevant at every depth', () => {
    const one = { amount: 1000, customer: { name: 'Dara', id: { type: 'passport', no: 'N1' } } };
    const two = { customer: { id: { no: 'N1', type: 'passport' }, name: 'Dara' }, amount: 1000 };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('still tells different values apart', () => {
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    expect(canonicalJson({ a: { b: 1 } })).not.toBe(canonicalJson({ a: { b: 2 } }));
  });

  it('keeps the order of arrays', () => {
    expect(canonicalJson([2, 1, 3])).toBe('[2,1,3]');
    expect(canonicalJson({ tags: ['a', 'b'] })).not.toBe(canonicalJson({ tags: ['b', 'a'] }));
  });

  it('drops undefined members, as JSON does, but keeps null ones', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson({ a: undefined, b: 1 })).toBe(canonicalJson({ b: 1 }));
    expect(canonicalJson({ a: null, b: 1 })).toBe('{"a":null,"b":1}');
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });

  it('writes null for a missing body and for undefined array items', () => {
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });

  it('writes scalars and dates as JSON does', () => {
    expect(canonicalJson('x')).toBe('"x"');
    expect(canonicalJson(12.5)).toBe('12.5');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson({ at: new Date('2024-01-02T03:04:05Z') })).toBe(
      '{"at":"2024-01-02T03:04:05.000Z"}',
    );
  });
});
