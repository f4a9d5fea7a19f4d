import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationProblem } from '../common/http/problem';
import { isSettingKey, SETTING_KEY_RULE } from './settings-registry';

/** `@Param('key', ParseSettingKeyPipe)`: a malformed key in a path is 422 (as a malformed UUID). */
@Injectable()
export class ParseSettingKeyPipe implements PipeTransform<string, string> {
  transform(key: string): string {
    if (isSettingKey(key)) return key;
    throw new ValidationProblem([
      { loc: ['path', 'key'], msg: `must be ${SETTING_KEY_RULE}`, type: 'setting_key' },
    ]);
  }
}

/**
 * The body of `PATCH /settings/bulk`: a JSON object `{key: value}` with at least one key. Its
 * keys are free, so no DTO class describes it; the service checks each key and value.
 */
@Injectable()
export class ParseSettingValuesPipe implements PipeTransform<unknown, Record<string, unknown>> {
  transform(body: unknown): Record<string, unknown> {
    const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
    if (isObject && Object.keys(body).length > 0) return body as Record<string, unknown>;
    throw new ValidationProblem([
      {
        loc: ['body'],
        msg: 'must be a JSON object {key: value} naming at least one setting',
        type: 'setting_values',
      },
    ]);
  }
}
