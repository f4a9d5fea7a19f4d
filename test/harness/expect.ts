/**
 * What every suite expects of an answer, in one place: the status, the problem document of
 * SPEC §3 ("Errors"), the fields a validation error names, no secrets.
 */

/** An answer as the helpers read it: supertest's Response, or a fetch answer through `fetched`. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text?: string;
}

/** The prefix of every problem `type` (`urn:lc-workflow:problem:<slug>`). */
export const PROBLEM_TYPE_PREFIX = 'urn:lc-workflow:problem:';

/** Like expect(res.status).toBe(status), but shows the problem document when it fails. */
export function expectStatus(res: Answer, status: number): void {
  if (res.status !== status) {
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

/**
 * What is wrong with `res` as a problem document, one sentence each (empty when it is right):
 * the problem+json content type, `status` equal to the answer's, string `type` and `title`, a
 * `detail` a person can read, an `instance` path and the `request_id`.
 */
export function problemFaults(res: Answer): string[] {
  const faults: string[] = [];
  const contentType = String(res.headers['content-type']);
  if (!/^application\/problem\+json/.test(contentType)) faults.push(`content-type ${contentType}`);
  const body = (res.body ?? {}) as Record<string, unknown>;
  if (body.status !== res.status) {
    faults.push(`status ${String(body.status)} in a ${res.status} answer`);
  }
  for (const field of ['type', 'title', 'request_id']) {
    if (typeof body[field] !== 'string') faults.push(`no string ${field}`);
  }
  if (typeof body.detail !== 'string') faults.push('no string detail');
  else if (body.detail.length <= 3) faults.push(`detail too short to read: ${body.detail}`);
  if (typeof body.instance !== 'string' || !body.instance.startsWith('/')) {
    faults.push(`instance ${String(body.instance)}`);
  }
  return faults;
}

/** Whether `res` is a whole problem document (see `problemFaults`). */
export function isProblem(res: Answer): boolean {
  return problemFaults(res).length === 0;
}

/**
 * The problem-document shape every refusal must have, with `status` and, when given, the
 * problem type's slug (`too-many-keys` for `urn:lc-workflow:problem:too-many-keys`). Returns
 * the document, for the assertions a test adds.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function expectProblem(res: Answer, status: number, type?: string): Record<string, any> {
  expect(res.status).toBe(status);
  expect(problemFaults(res)).toEqual([]);
  if (type !== undefined) expect(res.body.type).toBe(`${PROBLEM_TYPE_PREFIX}${type}`);
  return res.body;
}

/** A fetch answer read for the helpers above (its body parsed as JSON). */
export async function fetched(response: Response): Promise<Answer> {
  const text = await response.text();
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: JSON.parse(text),
    text,
  };
}

/** The `loc` of each entry of a validation problem's `errors`, joined by dots (`body.email`). */
export function errorLocs(res: Answer): string[] {
  return (res.body.errors as { loc: (string | number)[] }[]).map((error) => error.loc.join('.'));
}

/** No password hash (nor anything like one) in an answer. */
export function expectNoSecrets(res: Answer): void {
  const text = res.text ?? '';
  expect(text).not.toMatch(/password/i);
  expect(text).not.toMatch(/\$2[aby]\$/);
}
