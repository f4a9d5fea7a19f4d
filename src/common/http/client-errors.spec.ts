import type { IncomingMessage } from 'node:http';
import { clientErrorProblem } from './client-errors';

const error = (code: string) => Object.assign(new Error('Parse Error'), { code });
const dispatched = (contentType?: string) =>
  ({ headers: contentType ? { 'content-type': contentType } : {} }) as IncomingMessage;

describe('clientErrorProblem', () => {
  it('a broken body of a form is malformed-multipart (400)', () => {
    const problem = clientErrorProblem(
      error('HPE_INVALID_EOF_STATE'),
      dispatched('multipart/form-data; boundary=x'),
    );
    expect(problem).toMatchObject({
      status: 400,
      type: 'urn:lc-workflow:problem:malformed-multipart',
    });
  });

  it('a broken body of anything else is malformed-body (400)', () => {
    expect(clientErrorProblem(error('HPE_INVALID_CHUNK_SIZE'), dispatched())).toMatchObject({
      status: 400,
      type: 'urn:lc-workflow:problem:malformed-body',
    });
  });

  it.each([
    ['HPE_HEADER_OVERFLOW', 431],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408],
    ['HPE_INVALID_METHOD', 400],
  ])('a head Node refuses with %s is %i, about:blank', (code, status) => {
    const problem = clientErrorProblem(error(code), undefined);
    expect(problem).toMatchObject({ status, type: 'about:blank' });
    expect(problem.detail).toBeTruthy();
  });
});
