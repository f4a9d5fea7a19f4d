import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/decorators';
import { ApiProblems } from '../common/http/openapi';
import type { EnumOption } from './code-enums';
import { AllEnumsDto, EnumOptionDto } from './dto/enums.dto';
import { EnumsService } from './enums.service';

const PUBLIC_NOTE =
  'Public (no token): the lists hold no personal or institution-private data, and the sign-in ' +
  'and set-up pages may need them before anyone is signed in. Rate-limited per IP like every ' +
  'anonymous route.';

const CATALOGUE_NOTE = (key: string) =>
  `${PUBLIC_NOTE} Read from the \`catalog.${key}\` setting: an admin's edit shows at once.`;

/**
 * Enums (SPEC §7): the lists of values clients offer in pickers. Catalogues come from settings,
 * the fixed lists from code-enums.ts.
 */
@ApiTags('Enums')
@Public()
@Controller('enums')
export class EnumsController {
  constructor(private readonly enums: EnumsService) {}

  @Get('id-card-types')
  @ApiOperation({
    operationId: 'enums_id_card_types',
    summary: 'Identity document types (Khmer labels)',
    description: CATALOGUE_NOTE('id_card_types'),
  })
  @ApiOkResponse({ type: [EnumOptionDto] })
  @ApiProblems(429)
  idCardTypes(): Promise<EnumOption[]> {
    return this.enums.idCardTypes();
  }

  @Get('loan-statuses')
  @ApiOperation({
    operationId: 'enums_loan_statuses',
    summary: 'Loan statuses',
    description: `${PUBLIC_NOTE} Fixed in code.`,
  })
  @ApiOkResponse({ type: [EnumOptionDto] })
  @ApiProblems(429)
  loanStatuses(): EnumOption[] {
    return this.enums.loanStatuses();
  }

  @Get('loan-purposes')
  @ApiOperation({
    operationId: 'enums_loan_purposes',
    summary: 'Loan purposes',
    description: CATALOGUE_NOTE('loan_purposes'),
  })
  @ApiOkResponse({ type: [EnumOptionDto] })
  @ApiProblems(429)
  loanPurposes(): Promise<EnumOption[]> {
    return this.enums.loanPurposes();
  }

  @Get('product-types')
  @ApiOperation({
    operationId: 'enums_product_types',
    summary: 'Loan products (Khmer labels)',
    description: CATALOGUE_NOTE('product_types'),
  })
  @ApiOkResponse({ type: [EnumOptionDto] })
  @ApiProblems(429)
  productTypes(): Promise<EnumOption[]> {
    return this.enums.productTypes();
  }

  @Get('all')
  @ApiOperation({
    operationId: 'enums_all',
    summary: 'Every list at once (camelCase keys)',
    description:
      `${PUBLIC_NOTE} Catalogues (id card types, loan purposes, product types, loan terms, ` +
      'document types, currencies) come from the `catalog.*` settings and show an edit at ' +
      'once; the other lists are fixed in code.',
  })
  @ApiOkResponse({ type: AllEnumsDto })
  @ApiProblems(429)
  all(): Promise<AllEnumsDto> {
    return this.enums.all();
  }
}
