import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

export const IDEMPOTENT = 'http:idempotent';

/** The route accepts an `Idempotency-Key` header (POST creates and state transitions). */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any unique string (e.g. a UUID), at most 255 characters. A retry with the same key and ' +
        'body returns the first answer with `Idempotent-Replayed: true` and does not repeat the ' +
        'effect; the same key with another body is 422; while the first is still running, 409. ' +
        'Keys live 24 hours.',
    }),
  );
