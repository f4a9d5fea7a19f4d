import type { INestApplicationContext, Type } from '@nestjs/common';
import { INJECTABLE_WATERMARK } from '@nestjs/common/constants';
import { useContainer } from 'class-validator';

/**
 * Lets class-validator take constraint classes that are Nest providers (such as
 * settings/in-catalog.ts)
 * from the app, so they can inject services. The built-in constraints (IsString, ...) are not
 * @Injectable: class-validator creates them itself, without a failed lookup in Nest for every
 * validated field (as `useContainer(app, { fallbackOnErrors: true })` would do).
 */
export function useNestContainerForValidators(app: INestApplicationContext): void {
  useContainer(
    {
      get: <T>(type: Type<T>): T | undefined =>
        Reflect.getMetadata(INJECTABLE_WATERMARK, type) === true ? app.get(type) : undefined,
    },
    { fallback: true },
  );
}
