import {
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
  RequestMethod,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { problemFromError, ProblemException, ReplayedProblem, ValidationProblem } from '../problem';
import { canonicalJson } from './canonical-json';
import { IdempotencyService } from './idempotency.service';
import { IDEMPOTENT } from './idempotent.decorator';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/**
 * For routes marked @Idempotent(): reserves the caller's key, runs the handler and stores its
 * answer in the handler's own transaction (so both commit or neither does), and replays the
 * stored answer for a retry. 4xx answers are stored too; 5xx answers never are.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly idempotency: IdempotencyService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.reflector.get(IDEMPOTENT, context.getHandler())) {
      return next.handle();
    }
    const request = context.switchToHttp().getRequest<Request>();
    const key = request.header('idempotency-key');
    if (key === undefined || !request.user) return next.handle();
    if (!KEY_FORMAT.test(key)) {
      throw new ValidationProblem([
        {
          loc: ['header', 'idempotency-key'],
          msg: 'must be 1 to 255 visible ASCII characters',
          type: 'idempotency_key',
        },
      ]);
    }
    return from(this.handle(context, next, request.user.id, key, request));
  }

  private async handle(
    context: ExecutionContext,
    next: CallHandler,
    userId: string,
    key: string,
    request: Request,
  ): Promise<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    const route = `${request.method} ${request.originalUrl}`;
    const hash = createHash('sha256')
      .update(`${route}\n${canonicalJson(request.body)}`)
      .digest('hex');
    const reservation = await this.idempotency.reserve(userId, key, hash);
    switch (reservation.kind) {
      case 'mismatch':
        throw new ProblemException(
          HttpStatus.UNPROCESSABLE_ENTITY,
          'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
          { type: 'idempotency-key-reused' },
        );
      case 'in-progress':
        throw new ProblemException(
          HttpStatus.CONFLICT,
          'A request with this Idempotency-Key is still being processed. Retry in a moment.',
          { type: 'idempotency-key-in-use' },
        );
      case 'replay':
        response.setHeader('Idempotent-Replayed', 'true');
        if (reservation.status >= 400) throw new ReplayedProblem(reservation.body);
        return reservation.body;
      case 'reserved':
        break;
    }
    const status = this.successStatus(context, request);
    try {
      return await this.txHost.withTransaction(async () => {
        const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        await this.idempotency.complete(reservation.id, status, toJson(body));
        return body;
      });
    } catch (error) {
      const { document } = problemFromError(error);
      if (document.status < 500) {
        await this.idempotency.complete(reservation.id, document.status, document);
      } else {
        await this.idempotency.release(reservation.id);
      }
      throw error;
    }
  }

  private successStatus(context: ExecutionContext, request: Request): number {
    const declared = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler());
    if (declared) return declared;
    return request.method === RequestMethod[RequestMethod.POST] ? 201 : 200;
  }
}

function toJson(body: unknown): object | null {
  return body === undefined ? null : (JSON.parse(JSON.stringify(body)) as object);
}
