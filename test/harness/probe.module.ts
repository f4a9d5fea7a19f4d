/**
 * A small test-only module that exercises the platform (validation, pagination, idempotency,
 * If-Match, permissions, database error mapping, audit) through real routes, before the domain
 * modules exist. Its tables are created in the test's own database by `createProbeTables`.
 */
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Module,
  NotFoundException,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  IsArray,
} from 'class-validator';
import { Type } from 'class-transformer';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import type { AuthUser } from '../../src/common/auth/auth-user';
import { CurrentUser, Public, RequirePermissions } from '../../src/common/auth/decorators';
import { assertIfMatch, type IfMatch, IfMatchHeader } from '../../src/common/http/etag';
import { Idempotent } from '../../src/common/http/idempotency/idempotent.decorator';
import { pageOf, PageQuery, pageWindow } from '../../src/common/http/pagination';
import { ParseUuidPipe } from '../../src/common/http/validation';
import { grantRuntimePrivileges, roleOf } from '../../src/database/database-roles';
import type { TestApp } from './test-app';

/** As the schema owner, like a migration; the server's role gets the rows, as after migrations. */
export async function createProbeTables(t: TestApp): Promise<void> {
  await t.ownerQuery(`
    CREATE TABLE probe_owners (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
    CREATE TABLE probe_widgets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL UNIQUE,
      owner_id uuid REFERENCES probe_owners(id),
      counter integer NOT NULL DEFAULT 0,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );`);
  await grantRuntimePrivileges(
    { query: (sql, parameters) => t.ownerQuery(sql, parameters) },
    roleOf(t.config.database.url),
  );
}

class PartDto {
  @IsInt() @Min(1) quantity: number;
}

class CreateWidgetDto {
  @IsString() @MaxLength(100) name: string;
  @IsOptional() @IsUUID() owner_id?: string;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => PartDto) parts?: PartDto[];
}

class UpdateWidgetDto {
  @IsString() @MaxLength(100) name: string;
}

class ListWidgetsQuery extends PageQuery {
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? Number(value) : value))
  @IsInt()
  @Max(10)
  min_counter?: number;
}

interface WidgetRow {
  id: string;
  name: string;
  owner_id: string | null;
  counter: number;
  version: number;
}

@Controller('probe')
class ProbeController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  @Get('widgets')
  @RequirePermissions('applications:read')
  async list(@Query() query: ListWidgetsQuery) {
    const { skip, take } = pageWindow(query);
    const rows: WidgetRow[] = await this.dataSource.query(
      `SELECT id, name, owner_id, counter, version FROM probe_widgets ORDER BY created_at, id OFFSET $1 LIMIT $2`,
      [skip, take],
    );
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM probe_widgets`,
    );
    return pageOf(rows, count, query);
  }

  @Post('widgets')
  @Idempotent()
  @RequirePermissions('applications:write')
  create(@Body() body: CreateWidgetDto, @CurrentUser() user: AuthUser) {
    return this.txHost.withTransaction(async () => {
      const [row]: WidgetRow[] = await this.txHost.tx.query(
        `INSERT INTO probe_widgets (name, owner_id) VALUES ($1, $2) RETURNING id, name, owner_id, counter, version`,
        [body.name, body.owner_id ?? null],
      );
      await this.audit.record({
        action: 'probe.created',
        entityType: 'probe_widget',
        entityId: row.id,
      });
      if (body.name === 'fail-after-audit') throw new Error('simulated failure after writing');
      return { ...row, created_by: user.id };
    });
  }

  @Get('widgets/:id')
  @RequirePermissions('applications:read')
  async get(@Param('id', ParseUuidPipe) id: string) {
    const [row]: WidgetRow[] = await this.dataSource.query(
      `SELECT id, name, owner_id, counter, version FROM probe_widgets WHERE id = $1`,
      [id],
    );
    if (!row) throw new NotFoundException('Widget not found.');
    return row;
  }

  @Patch('widgets/:id')
  @RequirePermissions('applications:write')
  update(
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: UpdateWidgetDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ) {
    return this.txHost.withTransaction(async () => {
      const [row]: WidgetRow[] = await this.txHost.tx.query(
        `SELECT version FROM probe_widgets WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row) throw new NotFoundException('Widget not found.');
      assertIfMatch(ifMatch, row.version);
      const [[updated]]: [WidgetRow[]] = await this.txHost.tx.query(
        `UPDATE probe_widgets SET name = $2, version = version + 1 WHERE id = $1 RETURNING id, name, owner_id, counter, version`,
        [id, body.name],
      );
      return updated;
    });
  }

  /** A "transition": increments the counter; with a key, a replay must not increment again. */
  @Patch('widgets/:id/bump')
  @HttpCode(200)
  @Idempotent()
  @RequirePermissions('applications:write')
  async bump(@Param('id', ParseUuidPipe) id: string) {
    const [[row]]: [WidgetRow[]] = await this.txHost.tx.query(
      `UPDATE probe_widgets SET counter = counter + 1, version = version + 1 WHERE id = $1
       RETURNING id, name, owner_id, counter, version, pg_sleep(0.3) IS NULL AS slept`,
      [id],
    );
    if (!row) throw new NotFoundException('Widget not found.');
    return row;
  }

  @Post('owners')
  @RequirePermissions('applications:write')
  async createOwner(@Body() body: UpdateWidgetDto) {
    const [row] = await this.dataSource.query(
      `INSERT INTO probe_owners (name) VALUES ($1) RETURNING id, name`,
      [body.name],
    );
    return row;
  }

  @Delete('owners/:id')
  @HttpCode(204)
  @RequirePermissions('applications:write')
  async deleteOwner(@Param('id', ParseUuidPipe) id: string) {
    await this.dataSource.query(`DELETE FROM probe_owners WHERE id = $1`, [id]);
  }

  @Get('settings-only')
  @RequirePermissions('settings:write')
  settingsOnly() {
    return { ok: true };
  }

  @Get('undeclared')
  undeclared() {
    return { ok: true };
  }

  @Public()
  @Get('public')
  open() {
    return { ok: true };
  }

  @Public()
  @Get('boom')
  boom() {
    throw new Error('relation "secret_table" does not exist at /srv/app/internal.ts:42');
  }

  @Public()
  @Get('slow')
  async slow(@Query('ms') ms = '300') {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
