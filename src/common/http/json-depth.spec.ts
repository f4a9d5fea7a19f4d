import { BodyTooDeepError, jsonNestingDepth, MAX_BODY_DEPTH, verifyJsonDepth } from './json-depth';

const depthOf = (text: string) => jsonNestingDepth(Buffer.from(text, 'utf8'));

describe('jsonNestingDepth', () => {
  it.each([
    ['1', 0],
    ['"text"', 0],
    ['{}', 1],
    ['[]', 1],
    ['{"a":[1,{"b":2}]}', 3],
    ['[[],[[]],[]]', 3],
    ['{"a":"[[[{{{"}', 1],
    ['{"a":"quote \\" then [[["}', 1],
    ['{"a":"backslash \\\\","b":[[1]]}', 3],
  ])('%s is %i deep', (text, depth) => {
    expect(depthOf(text)).toBe(depth);
  });
});

describe('verifyJsonDepth', () => {
  const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it(`accepts ${MAX_BODY_DEPTH} levels`, () => {
    expect(() => verifyJsonDepth(null, null, Buffer.from(nested(MAX_BODY_DEPTH)))).not.toThrow();
  });

  it('refuses one more level with a 422 body-parser error', () => {
    const call = () => verifyJsonDepth(null, null, Buffer.from(nested(MAX_BODY_DEPTH + 1)));
    expect(call).toThrow(BodyTooDeepError);
    expect(call).toThrow(expect.objectContaining({ status: 422, type: 'entity.too.deep' }));
  });
});
