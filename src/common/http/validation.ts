import {
  ArgumentMetadata,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { isUUID } from 'class-validator';
import { FieldError, ValidationProblem } from './problem';

const LOCATIONS: Record<string, string> = { body: 'body', query: 'query', param: 'path' };

/** Flattens class-validator's tree into `errors[]` items with a location path. */
export function toFieldErrors(errors: ValidationError[], location: string): FieldError[] {
  const result: FieldError[] = [];
  const walk = (error: ValidationError, path: (string | number)[]) => {
    const here = [...path, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
    for (const [type, message] of Object.entries(error.constraints ?? {})) {
      result.push({
        loc: here,
        msg:
          type === 'whitelistValidation'
            ? 'is not an allowed field'
            : readable(message, error.property),
        type: type === 'whitelistValidation' ? 'unknown_field' : type,
      });
    }
    for (const child of error.children ?? []) walk(child, here);
  };
  for (const error of errors) walk(error, [location]);
  return result;
}

/** "email must be an email" reads better next to its location as "must be an email". */
function readable(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** Carries class-validator's errors out of the base pipe, which does not know the location. */
class FailedValidation extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

/**
 * The global pipe: whitelist, refuse unknown fields, transform to DTO classes. Failures are
 * 422 problem documents whose `errors[].loc` says body, query or path.
 */
@Injectable()
export class ProblemValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      // Query strings are converted by explicit @Transform()s, never implicitly.
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors: ValidationError[]) => new FailedValidation(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // No body at all is validated as an empty object, so required fields are named.
    const given = metadata.type === 'body' && value === undefined ? {} : value;
    try {
      return await super.transform(given, metadata);
    } catch (error) {
      if (!(error instanceof FailedValidation)) throw error;
      throw new ValidationProblem(
        toFieldErrors(error.errors, LOCATIONS[metadata.type] ?? metadata.type),
      );
    }
  }
}

/** `@Param('id', ParseUuidPipe)`: a malformed UUID in a path is 422, not 404 or 500. */
@Injectable()
export class ParseUuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (isUUID(value)) return value.toLowerCase();
    const name = metadata.data ?? 'id';
    throw new ValidationProblem([{ loc: ['path', name], msg: 'must be a UUID', type: 'isUuid' }]);
  }
}
