import {
  checkFormShape,
  checkJsonShape,
  MAX_BODY_DEPTH,
  MAX_KEYS_PER_BODY,
  MAX_KEYS_PER_OBJECT,
} from './body-limits';
import { ProblemException, problemType } from './problem';

const json = (text: string) => () => checkJsonShape(Buffer.from(text, 'utf8'));
const form = (text: string) => () => checkFormShape(Buffer.from(text, 'latin1'));

function refusal(call: () => void): { type: string; detail: string } {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    const problem = error as ProblemException;
    expect(problem.getStatus()).toBe(422);
    return { type: problemType(problem.problem.type!), detail: problem.detail };
  }
  throw new Error('expected a refusal');
}

const objectWithKeys = (count: number, prefix = 'k') =>
  `{${Array.from({ length: count }, (_, index) => `"${prefix}${index}":1`).join(',')}}`;
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('checkJsonShape', () => {
  it.each([
    '1',
    '"text"',
    '{}',
    '{"a":[1,{"b":2}]}',
    '{"a":"[[[{{{"}',
    '{"a":"quote \\" then [[["}',
    '{"a":"backslash \\\\","b":[[1]]}',
    '{"a": "__proto__", "b": ["constructor", "prototype"]}',
    '{"proto": 1, "constructors": 2, "_prototype": 3}',
  ])('accepts %s', (text) => {
    expect(json(text)).not.toThrow();
  });

  it(`accepts ${MAX_BODY_DEPTH} levels and refuses one more`, () => {
    expect(json(nested(MAX_BODY_DEPTH))).not.toThrow();
    const { type, detail } = refusal(json(nested(MAX_BODY_DEPTH + 1)));
    expect(type).toBe(problemType('body-too-deep'));
    expect(detail).toBe('The request body is nested more than 64 levels deep.');
  });

  it('ignores brackets inside strings when counting depth', () => {
    expect(json(`{"a":"${'['.repeat(1000)}"}`)).not.toThrow();
  });

  it(`accepts ${MAX_KEYS_PER_OBJECT} keys in one object and refuses one more`, () => {
    expect(json(objectWithKeys(MAX_KEYS_PER_OBJECT))).not.toThrow();
    expect(refusal(json(objectWithKeys(MAX_KEYS_PER_OBJECT + 1))).type).toBe(
      problemType('too-many-keys'),
    );
  });

  it('counts keys per object, not across sibling objects', () => {
    const siblings = `[${objectWithKeys(MAX_KEYS_PER_OBJECT)},${objectWithKeys(MAX_KEYS_PER_OBJECT)}]`;
    expect(json(siblings)).not.toThrow();
  });

  it(`refuses more than ${MAX_KEYS_PER_BODY} members in the whole body`, () => {
    // 10 array items + 9 × 1,000 keys + 990 keys = 10,000 members.
    const objects = (last: number) =>
      `[${[...Array.from({ length: 9 }, () => objectWithKeys(MAX_KEYS_PER_OBJECT)), objectWithKeys(last)].join(',')}]`;
    expect(json(objects(990))).not.toThrow();
    expect(refusal(json(objects(991))).type).toBe(problemType('too-many-keys'));
  });

  it(`counts array items like keys: ${MAX_KEYS_PER_OBJECT} in one array, ${MAX_KEYS_PER_BODY} in all`, () => {
    const items = (count: number, item = '1') =>
      `[${Array.from({ length: count }, () => item).join(', ')}]`;
    expect(json(items(MAX_KEYS_PER_OBJECT))).not.toThrow();
    expect(json(items(MAX_KEYS_PER_OBJECT, '{"a":[]}'))).not.toThrow();
    expect(refusal(json(items(MAX_KEYS_PER_OBJECT + 1))).type).toBe(problemType('too-many-keys'));
    expect(refusal(json(items(MAX_KEYS_PER_OBJECT + 1, '"x"'))).type).toBe(
      problemType('too-many-keys'),
    );
    expect(refusal(json(items(MAX_KEYS_PER_OBJECT + 1, '[]'))).type).toBe(
      problemType('too-many-keys'),
    );
    expect(json('[ ]')).not.toThrow();
    const arrays = (count: number) =>
      `[${Array.from({ length: count }, () => items(999)).join(',')}]`;
    expect(json(arrays(10))).not.toThrow(); // 10 + 9,990 members
    expect(refusal(json(arrays(11))).type).toBe(problemType('too-many-keys'));
  });

  it('does not count the colons and commas inside strings', () => {
    expect(json(`{"a":"${',:'.repeat(20000)}"}`)).not.toThrow();
  });

  it.each([
    '{"__proto__": {"isAdmin": true}}',
    '{"a": {"b": [{"constructor": {}}]}}',
    '{"prototype" : 1}',
    '{"\\u005f_proto__": 1}',
    '{"__pro\\u0074o__": 1}',
  ])('refuses the reserved key in %s', (text) => {
    const { type, detail } = refusal(json(text));
    expect(type).toBe(problemType('forbidden-key'));
    expect(detail).toMatch(
      /^The request body uses the reserved field name "(__proto__|constructor|prototype)"/,
    );
  });

  it('leaves malformed JSON to the parser', () => {
    expect(json('{"a": ')).not.toThrow();
    expect(json(']]]}}}')).not.toThrow();
    expect(json('{"unterminated')).not.toThrow();
  });
});

describe('checkFormShape', () => {
  it('accepts an ordinary login form', () => {
    expect(form('username=alice&password=S3cret%21&grant_type=password')).not.toThrow();
  });

  it(`refuses more than ${MAX_KEYS_PER_OBJECT} fields`, () => {
    const fields = (count: number) => Array.from({ length: count }, (_, i) => `f${i}=1`).join('&');
    expect(form(fields(MAX_KEYS_PER_OBJECT))).not.toThrow();
    expect(refusal(form(fields(MAX_KEYS_PER_OBJECT + 1))).type).toBe(problemType('too-many-keys'));
  });

  it.each(['__proto__=1', 'username=a&constructor=x', '%5F%5Fproto%5F%5F=1', 'a[prototype]=1'])(
    'refuses the reserved field in %s',
    (text) => {
      expect(refusal(form(text)).type).toBe(problemType('forbidden-key'));
    },
  );
});
