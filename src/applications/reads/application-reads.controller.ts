import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../../common/auth/decorators';
import { ApiProblems } from '../../common/http/openapi';
import { ApiPageResponse, PageQuery } from '../../common/http/pagination';
import { UuidParam } from '../../common/http/validation';
import { ApplicationExportService, type CsvExport } from './application-export.service';
import { ApplicationReadsService } from './application-reads.service';
import { ApplicationStatsService } from './application-stats.service';
import { ApplicationCardDto } from '../dto/application-card.dto';
import { ApplicationEnumOptionsDto } from '../dto/application-enum-options.dto';
import { ApplicationHistoryEventDto } from '../dto/application-history.dto';
import { UnpagedApplicationFiltersQuery } from '../dto/application-reads.query';
import { ApplicationRelationshipsDto } from '../dto/application-relationships.dto';
import { AmountFiguresDto, ApplicationStatsDto } from '../dto/application-stats.dto';
import { ApplicationCardsQuery } from '../dto/list-applications.query';

const STATS_DESCRIPTION =
  "Over your scope and the list's filters. Distributions: every status (0 when none); low, " +
  'medium, high and `unassessed`; the product types present. Amounts are over requested_amount, ' +
  'computed exactly in SQL: the top-level figures add all currencies together, `by_currency` ' +
  'gives them per currency.';

/**
 * The read views of applications (SPEC §7). Registered before ApplicationsController, so that
 * `cards`, `stats`, `export` and `enums` are routes of their own, not an `:id`.
 */
@ApiTags('Applications')
@Controller('applications')
export class ApplicationReadsController {
  private readonly logger = new Logger(ApplicationReadsController.name);

  constructor(
    private readonly reads: ApplicationReadsService,
    private readonly statistics: ApplicationStatsService,
    private readonly exports: ApplicationExportService,
  ) {}

  @Get('cards')
  @RequirePermissions('applications:read')
  @ApiOperation({
    operationId: 'applications_cards',
    summary: 'Application cards in your scope',
    description:
      'Paginated like the list and in its order; filters `status` (one or comma-separated), ' +
      '`loan_status` and `search`.',
  })
  @ApiPageResponse(ApplicationCardDto)
  @ApiProblems(422)
  cards(@CurrentUser() caller: AuthUser, @Query() query: ApplicationCardsQuery) {
    return this.reads.cards(caller, query);
  }

  @Get('stats')
  @RequirePermissions('applications:read')
  @ApiOperation({
    operationId: 'applications_stats',
    summary: 'Counts and amounts of the applications in your scope',
    description: STATS_DESCRIPTION,
  })
  @ApiExtraModels(AmountFiguresDto)
  @ApiOkResponse({ type: ApplicationStatsDto })
  @ApiProblems(422)
  stats(
    @CurrentUser() caller: AuthUser,
    @Query() query: UnpagedApplicationFiltersQuery,
  ): Promise<ApplicationStatsDto> {
    return this.statistics.stats(caller, query);
  }

  @Get('stats/summary')
  @RequirePermissions('applications:read')
  @ApiOperation({
    operationId: 'applications_stats_summary',
    summary: 'Counts and amounts of the applications in your scope (alias of /stats)',
    description: STATS_DESCRIPTION,
  })
  @ApiExtraModels(AmountFiguresDto)
  @ApiOkResponse({ type: ApplicationStatsDto })
  @ApiProblems(422)
  statsSummary(
    @CurrentUser() caller: AuthUser,
    @Query() query: UnpagedApplicationFiltersQuery,
  ): Promise<ApplicationStatsDto> {
    return this.statistics.stats(caller, query);
  }

  @Get('export/csv')
  @RequirePermissions('applications:export')
  @ApiOperation({
    operationId: 'applications_export_csv',
    summary: 'Export the applications in your scope as CSV',
    description:
      "The list's filters and order; streamed. UTF-8 with a byte-order mark, CRLF line ends, " +
      "RFC 4180 quoting; a cell starting with =, +, -, @, tab or CR is prefixed with `'` so " +
      'that no spreadsheet runs it as a formula. Id numbers are in clear. Audited ' +
      '(`applications.exported`, with the filters and the number of rows). One export per user ' +
      'at a time: another while the first still streams is 429 with `Retry-After`. The bound ' +
      'is kept in the memory of each server instance (the export holds no database connection ' +
      'while it streams), so with several instances it applies per instance.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description:
      'The CSV file (`Content-Disposition: attachment; filename="applications-YYYYMMDD.csv"`)',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiProblems(422, 429)
  async exportCsv(
    @CurrentUser() caller: AuthUser,
    @Query() query: UnpagedApplicationFiltersQuery,
    @Res() response: Response,
  ): Promise<void> {
    // Everything that can fail cleanly (validation, the export slot, the first batch) has
    // happened by now.
    const csv = await this.exports.openCsvExport(caller, query);
    try {
      await this.stream(caller, query, csv, response);
    } finally {
      // Also when the client broke off: the slot is free for the user's next export.
      csv.close();
    }
  }

  /** Streams the lines, then audits the export (completed or not) and ends the response. */
  private async stream(
    caller: AuthUser,
    query: UnpagedApplicationFiltersQuery,
    csv: CsvExport,
    response: Response,
  ): Promise<void> {
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${csv.filename}"`);
    response.setHeader('Cache-Control', 'no-store');
    let failure: unknown = null;
    try {
      // pipeline honours backpressure: the next line is pulled only when the socket drains.
      await pipeline(Readable.from(csv.lines), response, { end: false });
    } catch (error) {
      failure = error;
    }
    if (failure === null) {
      // Audited before the response ends: a client never holds a complete, unaudited export.
      await this.exports.recordExport(caller, query, csv.rowCount, true);
      response.end();
      return;
    }
    await this.exports
      .recordExport(caller, query, csv.rowCount, false)
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'could not audit an export that broke off'),
      );
    // A client that went away needs no answer, and is no server error to log.
    if (!isPrematureClose(failure)) throw failure;
  }

  @Get('enums/options')
  @RequirePermissions('applications:read')
  @ApiOperation({
    operationId: 'applications_enum_options',
    summary: 'The value lists of an application form',
    description: 'The lists of `/enums/all` an application needs, with snake_case keys.',
  })
  @ApiOkResponse({ type: ApplicationEnumOptionsDto })
  enumOptions(): Promise<ApplicationEnumOptionsDto> {
    return this.reads.applicationOptions();
  }

  @Get(':id/relationships')
  @RequirePermissions('applications:read')
  @ApiOperation({
    operationId: 'applications_relationships',
    summary: 'The people and units around an application',
    description:
      'Its officer (creator), department and branch with their managers, approver, rejector ' +
      'and assigned reviewer; null where there is none.',
  })
  @ApiOkResponse({ type: ApplicationRelationshipsDto })
  @ApiProblems(404, 422)
  relationships(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
  ): Promise<ApplicationRelationshipsDto> {
    return this.reads.relationships(caller, id);
  }

  @Get(':id/history')
  @RequirePermissions('applications:read')
  @ApiOperation({
    operationId: 'applications_history',
    summary: "An application's history (its audit events)",
    description:
      'Oldest first, paginated. Visible to whoever may see the application. Each event names ' +
      'its actor, action, from and to status and details (the IP address stays in /audit).',
  })
  @ApiPageResponse(ApplicationHistoryEventDto)
  @ApiProblems(404, 422)
  history(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string, @Query() query: PageQuery) {
    return this.reads.history(caller, id, query);
  }
}

function isPrematureClose(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
}
