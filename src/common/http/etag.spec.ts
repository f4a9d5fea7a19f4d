import { assertIfMatch, etagOf, parseIfMatch } from './etag';
import { ProblemException, problemFromError, ValidationProblem } from './problem';

describe('parseIfMatch', () => {
  it.each([
    ['"3"', [3]],
    ['W/"3"', [3]],
    ['"1", "2"', [1, 2]],
    ['W/"4","5"', [4, 5]],
    ['  "12"  ', [12]],
  ])('reads %p as %p', (header, expected) => {
    expect(parseIfMatch(header)).toEqual(expected);
  });

  it('reads * as any version', () => {
    expect(parseIfMatch('*')).toBe('*');
    expect(parseIfMatch(' * ')).toBe('*');
  });

  it('treats a missing or blank header as absent', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('')).toBeUndefined();
    expect(parseIfMatch('   ')).toBeUndefined();
  });

  it.each(['abc', '3', '"3', '"-1"', '"3",', '"a"', 'W/3', '*, "3"'])(
    'refuses %p with a 422 on the if-match header',
    (header) => {
      let thrown: unknown;
      try {
        parseIfMatch(header);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationProblem);
      const problem = thrown as ValidationProblem;
      expect(problem.getStatus()).toBe(422);
      expect(problem.problem.errors).toEqual([
        { loc: ['header', 'if-match'], msg: 'must be an ETag such as "3"', type: 'etag' },
      ]);
    },
  );
});

describe('assertIfMatch', () => {
  it('passes when there is no If-Match, when it is *, or when a listed version matches', () => {
    expect(() => assertIfMatch(undefined, 4)).not.toThrow();
    expect(() => assertIfMatch('*', 4)).not.toThrow();
    expect(() => assertIfMatch([4], 4)).not.toThrow();
    expect(() => assertIfMatch([2, 4], 4)).not.toThrow();
  });

  it('refuses a stale version with 412 naming the current version', () => {
    let thrown: unknown;
    try {
      assertIfMatch([3], 5);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemException);
    const problem = thrown as ProblemException;
    expect(problem.getStatus()).toBe(412);
    expect(problem.detail).toContain('version 5');

    const { document } = problemFromError(problem);
    expect(document).toMatchObject({
      type: 'urn:lc-workflow:problem:precondition-failed',
      title: 'Precondition Failed',
      status: 412,
      current_version: 5,
    });
  });

  it('refuses an empty list of versions', () => {
    expect(() => assertIfMatch([], 1)).toThrow(ProblemException);
  });
});

describe('etagOf', () => {
  it('quotes the version', () => {
    expect(etagOf(7)).toBe('"7"');
    expect(parseIfMatch(etagOf(7))).toEqual([7]);
  });
});
