import { Injectable, NotFoundException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import { assertIfMatch, type IfMatch } from '../common/http/etag';
import { type Page, pageOf, pageWindow } from '../common/http/pagination';
import { applyListFilters, applyListSort } from '../common/http/list-query';
import { stillReferenced } from '../org-units/org-http';
import { applyFieldChanges, statusChange } from '../org-units/field-changes';
import { countUsersOf, EVERY_USER } from '../users/user-queries';
import type { ListPositionsQuery } from './dto/list-positions.query';
import { type PositionDto, toPositionDto } from './dto/position.dto';
import type { CreatePositionDto, UpdatePositionDto } from './dto/position-write.dto';
import { Position } from './position.entity';

/** Request field → entity property, for partial updates. */
const UPDATABLE = { name: 'name', description: 'description', is_active: 'isActive' } as const;

@Injectable()
export class PositionsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListPositionsQuery): Promise<Page<PositionDto>> {
    const qb = this.txHost.tx.getRepository(Position).createQueryBuilder('p');
    applyListFilters(qb, 'p', query, ['name']);
    applyListSort(qb, 'p', query.sort_by ?? 'name', query.sort_order);
    const { skip, take } = pageWindow(query);
    const [positions, total] = await qb.offset(skip).limit(take).getManyAndCount();
    return pageOf(positions.map(toPositionDto), total, query);
  }

  async get(id: string): Promise<PositionDto> {
    const position = await this.txHost.tx.getRepository(Position).findOneBy({ id });
    if (!position) throw new NotFoundException('Position not found.');
    return toPositionDto(position);
  }

  create(body: CreatePositionDto): Promise<PositionDto> {
    return this.txHost.withTransaction(async () => {
      const repository = this.txHost.tx.getRepository(Position);
      const position = await repository.save(
        repository.create({
          name: body.name,
          description: body.description ?? null,
          isActive: body.is_active ?? true,
        }),
      );
      await this.audit.record({
        action: 'position.created',
        entityType: 'position',
        entityId: position.id,
        details: {
          name: position.name,
          description: position.description,
          is_active: position.isActive,
        },
      });
      return this.get(position.id);
    });
  }

  /** PUT and PATCH: only the fields present change; nothing changed writes nothing. */
  update(id: string, body: UpdatePositionDto, ifMatch?: IfMatch): Promise<PositionDto> {
    return this.txHost.withTransaction(async () => {
      const position = await this.lock(id, ifMatch);
      const wasActive = position.isActive;
      const changes = applyFieldChanges(position, body, UPDATABLE);
      if (Object.keys(changes).length > 0) {
        await this.txHost.tx.getRepository(Position).save(position);
        await this.audit.record({
          action: 'position.updated',
          entityType: 'position',
          entityId: id,
          ...statusChange(wasActive, position.isActive),
          details: changes,
        });
      }
      return this.get(id);
    });
  }

  /** Refused (409) while users hold it: they must be moved first. */
  remove(id: string, ifMatch?: IfMatch): Promise<void> {
    return this.txHost.withTransaction(async () => {
      const position = await this.lock(id, ifMatch);
      const { user_count } = await countUsersOf(this.txHost.tx, 'position_id', id, EVERY_USER);
      if (user_count > 0) {
        throw stillReferenced(user_count, 'holds this position', 'hold this position');
      }
      await this.txHost.tx.getRepository(Position).delete({ id });
      await this.audit.record({
        action: 'position.deleted',
        entityType: 'position',
        entityId: id,
        details: { name: position.name },
      });
    });
  }

  /** The row locked for this transaction, checked against If-Match (412 when stale). */
  private async lock(id: string, ifMatch: IfMatch | undefined): Promise<Position> {
    const position = await this.txHost.tx
      .getRepository(Position)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!position) throw new NotFoundException('Position not found.');
    assertIfMatch(ifMatch, position.version);
    return position;
  }
}
