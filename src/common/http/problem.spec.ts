import {
  BadRequestException,
  HttpException,
  InternalServerErrorException,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import {
  FieldError,
  ProblemException,
  problemFromError,
  problemType,
  ReplayedProblem,
  ValidationProblem,
} from './problem';

const GENERIC_DETAIL =
  'Something went wrong on our side. Please try again; if it persists, quote the request id.';

function pgError(fields: { code: string; detail?: string; table?: string; message?: string }) {
  const { message = 'x', ...rest } = fields;
  return new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), rest));
}

describe('problemFromError', () => {
  describe('ProblemException', () => {
    it('names its type as a URN and carries extensions and headers', () => {
      const error = new ProblemException(409, 'Only a draft can be edited.', {
        type: 'illegal-transition',
        extensions: { allowed_actions: ['withdraw'] },
        headers: { 'Retry-After': '5' },
      });

      expect(problemFromError(error)).toEqual({
        document: {
          type: 'urn:lc-workflow:problem:illegal-transition',
          title: 'Conflict',
          status: 409,
          detail: 'Only a draft can be edited.',
          allowed_actions: ['withdraw'],
        },
        headers: { 'Retry-After': '5' },
        unexpected: false,
      });
    });

    it('falls back to about:blank and the status title without a type', () => {
      const { document, headers } = problemFromError(new ProblemException(429, 'Slow down.'));
      expect(document).toEqual({
        type: 'about:blank',
        title: 'Too Many Requests',
        status: 429,
        detail: 'Slow down.',
      });
      expect(headers).toEqual({});
    });

    it('builds type URNs from slugs', () => {
      expect(problemType('duplicate')).toBe('urn:lc-workflow:problem:duplicate');
    });
  });

  describe('ValidationProblem', () => {
    const email: FieldError = { loc: ['body', 'email'], msg: 'must be an email', type: 'isEmail' };
    const age: FieldError = { loc: ['body', 'age'], msg: 'must be an integer', type: 'isInt' };
    const city: FieldError = {
      loc: ['body', 'addresses', 0, 'city'],
      msg: 'should not be empty',
      type: 'isNotEmpty',
    };

    it('is a 422 whose detail summarises the first error', () => {
      const { document } = problemFromError(new ValidationProblem([email]));
      expect(document).toEqual({
        type: 'urn:lc-workflow:problem:validation-error',
        title: 'Unprocessable Entity',
        status: 422,
        detail: 'email: must be an email',
        errors: [email],
      });
    });

    it('counts the other errors in the detail', () => {
      expect(new ValidationProblem([email, age]).detail).toBe(
        'email: must be an email (and 1 more problem)',
      );
      expect(new ValidationProblem([city, email, age]).detail).toBe(
        'addresses.0.city: should not be empty (and 2 more problems)',
      );
    });

    it('names the location when the error has no field, and copes with no errors', () => {
      const whole: FieldError = { loc: ['body'], msg: 'must be an object', type: 'isObject' };
      expect(new ValidationProblem([whole]).detail).toBe('body: must be an object');
      expect(new ValidationProblem([]).detail).toBe('The request is not valid.');
    });

    it('keeps an explicit detail', () => {
      expect(new ValidationProblem([email], 'Check the form.').detail).toBe('Check the form.');
    });
  });

  describe('HttpException', () => {
    it('uses the message of a NotFoundException as detail', () => {
      const { document, headers, unexpected } = problemFromError(
        new NotFoundException('Application not found.'),
      );
      expect(document).toEqual({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'Application not found.',
      });
      expect(headers).toEqual({});
      expect(unexpected).toBe(false);
    });

    it('adds WWW-Authenticate: Bearer to a 401', () => {
      const answer = problemFromError(new UnauthorizedException('The token has expired.'));
      expect(answer.document.status).toBe(401);
      expect(answer.document.detail).toBe('The token has expired.');
      expect(answer.headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
    });

    it('turns Nest\'s "Cannot GET /x" into "No such route."', () => {
      const { document } = problemFromError(new NotFoundException('Cannot GET /api/v1/nope'));
      expect(document.status).toBe(404);
      expect(document.detail).toBe('No such route.');
    });

    it('keeps a 404 that merely starts with "Cannot"', () => {
      const { document } = problemFromError(new NotFoundException('Cannot find that branch.'));
      expect(document.detail).toBe('Cannot find that branch.');
    });

    it('joins an array message and reads a plain string response', () => {
      const joined = problemFromError(new BadRequestException(['a is wrong', 'b is wrong']));
      expect(joined.document.detail).toBe('a is wrong; b is wrong');
      const plain = problemFromError(new HttpException('I am a teapot', 418));
      expect(plain.document).toMatchObject({ status: 418, detail: 'I am a teapot' });
    });

    it('marks a 5xx HttpException as unexpected', () => {
      expect(problemFromError(new InternalServerErrorException()).unexpected).toBe(true);
    });
  });

  describe('body-parser errors', () => {
    it('answers malformed JSON with 400', () => {
      const error = Object.assign(new SyntaxError('Unexpected token } in JSON'), {
        type: 'entity.parse.failed',
        status: 400,
      });
      const { document, unexpected } = problemFromError(error);
      expect(document).toEqual({
        type: 'urn:lc-workflow:problem:malformed-body',
        title: 'Bad Request',
        status: 400,
        detail: 'The request body is not valid JSON.',
      });
      expect(unexpected).toBe(false);
    });

    it('answers a body over the limit with 413 naming the limit', () => {
      const { document } = problemFromError({
        type: 'entity.too.large',
        status: 413,
        limit: 1048576,
      });
      expect(document).toMatchObject({
        type: 'urn:lc-workflow:problem:body-too-large',
        title: 'Payload Too Large',
        status: 413,
      });
      expect(document.detail).toContain('1048576');
    });

    it('answers an unsupported charset with 415', () => {
      expect(problemFromError({ type: 'charset.unsupported', status: 415 }).document.status).toBe(
        415,
      );
    });
  });

  describe('PostgreSQL errors', () => {
    it('maps a unique violation (23505) to 409 naming the column behind lower()', () => {
      const { document, unexpected } = problemFromError(
        pgError({
          code: '23505',
          detail: 'Key (lower((email)::text))=(a@b.c) already exists.',
          table: 'users',
        }),
      );
      expect(document).toEqual({
        type: 'urn:lc-workflow:problem:duplicate',
        title: 'Conflict',
        status: 409,
        detail: 'Another user with the same email already exists.',
        fields: ['email'],
      });
      expect(unexpected).toBe(false);
    });

    it('names branches and applications in good English', () => {
      const branch = problemFromError(
        pgError({ code: '23505', detail: 'Key (code)=(PP01) already exists.', table: 'branches' }),
      );
      expect(branch.document.detail).toBe('Another branch with the same code already exists.');
      const application = problemFromError(
        pgError({
          code: '23505',
          detail: 'Key (number)=(7) already exists.',
          table: 'applications',
        }),
      );
      expect(application.document.detail).toBe(
        'Another application with the same number already exists.',
      );
    });

    it('lists every column of a composite key', () => {
      const { document } = problemFromError(
        pgError({
          code: '23505',
          detail: 'Key (id_card_type, id_number_hash)=(national_id, abc) already exists.',
          table: 'customers',
        }),
      );
      expect(document.detail).toBe(
        'Another customer with the same id_card_type, id_number_hash already exists.',
      );
      expect(document.fields).toEqual(['id_card_type', 'id_number_hash']);
    });

    it('copes with a unique violation without detail', () => {
      const { document } = problemFromError(pgError({ code: '23505' }));
      expect(document.status).toBe(409);
      expect(document.detail).toBe('Another record with these values already exists.');
      expect(document).not.toHaveProperty('fields');
    });

    it('maps a dangling foreign key on insert (23503) to 422 naming the field', () => {
      const { document } = problemFromError(
        pgError({
          code: '23503',
          detail:
            'Key (department_id)=(0b7c3e0e-1111-4222-8333-444455556666) is not present in table "departments".',
          table: 'users',
        }),
      );
      expect(document).toEqual({
        type: 'urn:lc-workflow:problem:validation-error',
        title: 'Unprocessable Entity',
        status: 422,
        detail: 'department_id: refers to a record that does not exist',
        errors: [
          {
            loc: ['body', 'department_id'],
            msg: 'refers to a record that does not exist',
            type: 'foreign_key',
          },
        ],
      });
    });

    it('maps deleting a row still referenced (23503) to 409 naming the referencing table', () => {
      // PostgreSQL reports the referencing table in `table`; the deleted one is in the message.
      const { document } = problemFromError(
        pgError({
          code: '23503',
          message:
            'update or delete on table "departments" violates foreign key constraint "fk_users_department_id" on table "users"',
          detail:
            'Key (id)=(0b7c3e0e-1111-4222-8333-444455556666) is still referenced from table "users".',
          table: 'users',
        }),
      );
      expect(document).toMatchObject({
        type: 'urn:lc-workflow:problem:still-referenced',
        title: 'Conflict',
        status: 409,
        detail: 'This department is still referenced by users; remove or reassign those first.',
      });
    });

    it("still says 409 naming the referencing table when the message is not PostgreSQL's", () => {
      const { document } = problemFromError(
        pgError({
          code: '23503',
          detail: 'Key (id)=(1) is still referenced from table "customer_applications".',
          table: 'customer_applications',
        }),
      );
      expect(document.status).toBe(409);
      expect(document.detail).toBe(
        'This record is still referenced by customer applications; remove or reassign those first.',
      );
    });

    it('maps a serialization failure (40001) to 409', () => {
      const { document, unexpected } = problemFromError(pgError({ code: '40001' }));
      expect(document).toMatchObject({
        type: 'urn:lc-workflow:problem:concurrent-update',
        status: 409,
      });
      expect(unexpected).toBe(false);
    });

    it('maps a statement timeout (57014) to an unexpected 503', () => {
      const { document, unexpected } = problemFromError(pgError({ code: '57014' }));
      expect(document.status).toBe(503);
      expect(document.title).toBe('Service Unavailable');
      expect(unexpected).toBe(true);
    });

    it('maps a NOT NULL violation (23502) to 422 naming the column', () => {
      const error = new QueryFailedError(
        'INSERT ...',
        [],
        Object.assign(new Error('x'), { code: '23502', column: 'branch_id' }),
      );
      expect(problemFromError(error).document.errors).toEqual([
        { loc: ['body', 'branch_id'], msg: 'is required', type: 'missing' },
      ]);
    });

    it('hides an unknown database error behind a generic 500, without SQL', () => {
      const answer = problemFromError(
        new QueryFailedError(
          'SELECT secret FROM users',
          [],
          Object.assign(new Error('relation "users" does not exist'), { code: '42P01' }),
        ),
      );
      expect(answer.document).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: GENERIC_DETAIL,
      });
      expect(answer.unexpected).toBe(true);
      expect(JSON.stringify(answer.document)).not.toMatch(/SELECT|relation/);
    });
  });

  describe('anything else', () => {
    it('hides an unknown error behind a generic 500 marked unexpected', () => {
      const answer = problemFromError(new TypeError('Cannot read properties of undefined'));
      expect(answer).toEqual({
        document: {
          type: 'about:blank',
          title: 'Internal Server Error',
          status: 500,
          detail: GENERIC_DETAIL,
        },
        headers: {},
        unexpected: true,
      });
      expect(problemFromError('a string').document.status).toBe(500);
      expect(problemFromError(null).document.status).toBe(500);
    });

    it('gives every unexpected error a fresh document (the filter writes request ids into it)', () => {
      const first = problemFromError(new Error('one'));
      first.document.request_id = 'first-request';
      first.headers['X-Leak'] = 'yes';
      const second = problemFromError(new Error('two'));
      expect(second.document).not.toHaveProperty('request_id');
      expect(second.headers).toEqual({});
    });

    it('answers a refused connection with an unexpected 503', () => {
      const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        code: 'ECONNREFUSED',
      });
      const { document, unexpected } = problemFromError(error);
      expect(document).toMatchObject({ status: 503, title: 'Service Unavailable' });
      expect(document.detail).not.toContain('127.0.0.1');
      expect(unexpected).toBe(true);
    });

    it('answers a pool timeout with 503', () => {
      const error = new Error('timeout exceeded when trying to connect');
      expect(problemFromError(error).document.status).toBe(503);
    });

    it('replays a stored problem document as it was', () => {
      const stored = {
        type: 'urn:lc-workflow:problem:duplicate',
        title: 'Conflict',
        status: 409,
        detail: 'Another user with the same email already exists.',
        request_id: 'original',
      };
      const answer = problemFromError(new ReplayedProblem(stored));
      expect(answer).toEqual({ document: stored, headers: {}, unexpected: false });
      expect(answer.document).not.toBe(stored);
    });
  });
});
