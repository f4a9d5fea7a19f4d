import { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  ValidateNested,
  ValidationError,
} from 'class-validator';
import { ValidationProblem } from './problem';
import { ParseUuidPipe, ProblemValidationPipe, toFieldErrors } from './validation';

function validationError(fields: Partial<ValidationError>): ValidationError {
  return Object.assign(new ValidationError(), { children: [], ...fields });
}

describe('toFieldErrors', () => {
  it('drops the leading property name from the message', () => {
    const errors = [
      validationError({ property: 'email', constraints: { isEmail: 'email must be an email' } }),
    ];
    expect(toFieldErrors(errors, 'body')).toEqual([
      { loc: ['body', 'email'], msg: 'must be an email', type: 'isEmail' },
    ]);
  });

  it('keeps a message that does not start with the property name', () => {
    const errors = [
      validationError({
        property: 'e',
        constraints: { isEmail: 'email must be an email', custom: 'Use your work address' },
      }),
    ];
    expect(toFieldErrors(errors, 'body')).toEqual([
      { loc: ['body', 'e'], msg: 'email must be an email', type: 'isEmail' },
      { loc: ['body', 'e'], msg: 'Use your work address', type: 'custom' },
    ]);
  });

  it('flattens nested children and turns array indexes into numbers', () => {
    const errors = [
      validationError({
        property: 'address',
        children: [
          validationError({
            property: 'city',
            constraints: { isNotEmpty: 'city should not be empty' },
          }),
        ],
      }),
      validationError({
        property: 'guarantors',
        children: [
          validationError({
            property: '12',
            children: [
              validationError({
                property: 'phone',
                constraints: { isString: 'phone must be a string' },
              }),
            ],
          }),
        ],
      }),
    ];
    expect(toFieldErrors(errors, 'body')).toEqual([
      { loc: ['body', 'address', 'city'], msg: 'should not be empty', type: 'isNotEmpty' },
      { loc: ['body', 'guarantors', 12, 'phone'], msg: 'must be a string', type: 'isString' },
    ]);
  });

  it('reports fields refused by the whitelist as unknown_field', () => {
    const errors = [
      validationError({
        property: 'role',
        constraints: { whitelistValidation: 'property role should not exist' },
      }),
    ];
    expect(toFieldErrors(errors, 'query')).toEqual([
      { loc: ['query', 'role'], msg: 'is not an allowed field', type: 'unknown_field' },
    ]);
  });

  it('returns nothing for nothing', () => {
    expect(toFieldErrors([], 'body')).toEqual([]);
  });
});

class AddressDto {
  @IsString()
  @IsNotEmpty()
  city: string;
}

class CreateContactDto {
  @IsEmail()
  email: string;

  @IsOptional()
  @IsInt()
  age?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}

class ContactFilterDto {
  @IsOptional()
  @IsIn(['active', 'inactive'])
  status?: string;
}

const body: ArgumentMetadata = { type: 'body', metatype: CreateContactDto };
const query: ArgumentMetadata = { type: 'query', metatype: ContactFilterDto };

/** Runs `attempt` and returns the ValidationProblem it must throw. */
async function refusal(attempt: () => unknown): Promise<ValidationProblem> {
  try {
    await attempt();
  } catch (error) {
    if (error instanceof ValidationProblem) return error;
    throw error;
  }
  throw new Error('expected a ValidationProblem, but the value was accepted');
}

describe('ProblemValidationPipe', () => {
  const pipe = new ProblemValidationPipe();

  it('turns a valid body into the DTO class', async () => {
    const result = await pipe.transform(
      { email: 'a@b.co', age: 30, address: { city: 'Phnom Penh' } },
      body,
    );
    expect(result).toBeInstanceOf(CreateContactDto);
    expect(result).toEqual({ email: 'a@b.co', age: 30, address: { city: 'Phnom Penh' } });
    expect((result as CreateContactDto).address).toBeInstanceOf(AddressDto);
  });

  it('refuses an invalid body with 422 errors located in the body', async () => {
    const problem = await refusal(() => pipe.transform({ email: 'nope', age: '30' }, body));
    expect(problem.getStatus()).toBe(422);
    expect(problem.problem.type).toBe('validation-error');
    expect(problem.problem.errors).toHaveLength(2);
    expect(problem.problem.errors).toEqual(
      expect.arrayContaining([
        { loc: ['body', 'email'], msg: 'must be an email', type: 'isEmail' },
        { loc: ['body', 'age'], msg: 'must be an integer number', type: 'isInt' },
      ]),
    );
  });

  it('refuses unknown fields', async () => {
    const problem = await refusal(() => pipe.transform({ email: 'a@b.co', role: 'admin' }, body));
    expect(problem.problem.errors).toEqual([
      { loc: ['body', 'role'], msg: 'is not an allowed field', type: 'unknown_field' },
    ]);
    expect(problem.detail).toBe('role: is not an allowed field');
  });

  it('locates errors in nested objects', async () => {
    const problem = await refusal(() =>
      pipe.transform({ email: 'a@b.co', address: { city: '' } }, body),
    );
    expect(problem.problem.errors).toEqual([
      { loc: ['body', 'address', 'city'], msg: 'should not be empty', type: 'isNotEmpty' },
    ]);
  });

  it('validates a missing body as an empty object, so required fields are named', async () => {
    const problem = await refusal(() => pipe.transform(undefined, body));
    expect(problem.problem.errors).toEqual([
      { loc: ['body', 'email'], msg: 'must be an email', type: 'isEmail' },
    ]);
  });

  it('locates query errors in the query', async () => {
    const problem = await refusal(() => pipe.transform({ status: 'gone' }, query));
    expect(problem.problem.errors).toEqual([
      {
        loc: ['query', 'status'],
        msg: 'must be one of the following values: active, inactive',
        type: 'isIn',
      },
    ]);
  });

  it('refuses unknown query parameters', async () => {
    const problem = await refusal(() => pipe.transform({ sort: 'name' }, query));
    expect(problem.problem.errors).toEqual([
      { loc: ['query', 'sort'], msg: 'is not an allowed field', type: 'unknown_field' },
    ]);
  });

  it('accepts a valid query', async () => {
    await expect(pipe.transform({ status: 'active' }, query)).resolves.toEqual({
      status: 'active',
    });
  });
});

describe('ParseUuidPipe', () => {
  const pipe = new ParseUuidPipe();
  const param: ArgumentMetadata = { type: 'param', data: 'id' };

  it('accepts a UUID and lower-cases it', () => {
    expect(pipe.transform('3F2504E0-4F89-41D3-9A0C-0305E82C3301', param)).toBe(
      '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    );
  });

  it.each([
    'abc',
    '',
    '3f2504e0-4f89-41d3-9a0c-0305e82c330',
    '3f2504e0-4f89-41d3-9a0c-0305e82c3301x',
  ])('refuses %p with 422 at path.id', async (value) => {
    const problem = await refusal(() => pipe.transform(value, param));
    expect(problem.getStatus()).toBe(422);
    expect(problem.problem.errors).toEqual([
      { loc: ['path', 'id'], msg: 'must be a UUID', type: 'isUuid' },
    ]);
    expect(problem.detail).toBe('id: must be a UUID');
  });

  it('names the parameter it guards', async () => {
    const problem = await refusal(() =>
      pipe.transform('abc', { type: 'param', data: 'applicationId' }),
    );
    expect(problem.problem.errors?.[0].loc).toEqual(['path', 'applicationId']);
  });
});
