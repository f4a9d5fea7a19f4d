import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { type IfMatch, IfMatchHeader } from '../common/http/etag';
import { Idempotent } from '../common/http/idempotency/idempotent.decorator';
import { ApiProblems } from '../common/http/openapi';
import { ApiPageResponse, type Page, PageQuery } from '../common/http/pagination';
import { UuidParam } from '../common/http/validation';
import { ApiIfMatch } from '../common/http/openapi';
import { CustomerApplicationSummaryDto, CustomerDto } from './dto/customer.dto';
import { CreateCustomerDto, UpdateCustomerDto } from './dto/customer-write.dto';
import { ListCustomersQuery } from './dto/list-customers.query';
import { CustomersService } from './customers.service';

const SCOPE_NOTE =
  'You see the customers registered in your scope (admins: all; managers: their branch or ' +
  'department; viewers: their branch; officers: those they registered) and the customers of ' +
  'applications you may see. Others are 404 and never appear in lists or searches.';

@ApiTags('Customers')
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Get()
  @RequirePermissions('customers:read')
  @ApiOperation({
    operationId: 'customers_list',
    summary: 'List customers in your scope, newest first',
    description: `${SCOPE_NOTE} \`search\` matches part of a name or phone number, or an exact id number.`,
  })
  @ApiPageResponse(CustomerDto)
  @ApiProblems(422)
  list(
    @CurrentUser() caller: AuthUser,
    @Query() query: ListCustomersQuery,
  ): Promise<Page<CustomerDto>> {
    return this.customers.list(caller, query);
  }

  @Post()
  @Idempotent()
  @RequirePermissions('customers:write')
  @ApiOperation({
    operationId: 'customers_create',
    summary: 'Register a customer',
    description:
      'At least one name is required. The customer belongs to your branch and department. ' +
      'Another customer with the same id_card_type and id number (ignoring case, spaces and ' +
      'dashes) is 409.',
  })
  @ApiCreatedResponse({ type: CustomerDto })
  @ApiProblems(409, 422)
  create(@CurrentUser() caller: AuthUser, @Body() body: CreateCustomerDto): Promise<CustomerDto> {
    return this.customers.create(caller, body);
  }

  @Get(':id')
  @RequirePermissions('customers:read')
  @ApiOperation({ operationId: 'customers_get', summary: 'One customer', description: SCOPE_NOTE })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems(404, 422)
  get(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string): Promise<CustomerDto> {
    return this.customers.get(caller, id);
  }

  @Patch(':id')
  @RequirePermissions('customers:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'customers_update',
    summary: 'Update a customer (partial)',
    description:
      'Only the fields present change; "" or null clears an optional one. A new id number that ' +
      'another customer has is 409. Send If-Match to refuse the change (412) when the record ' +
      'changed since you read it.',
  })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems(404, 409, 412, 422)
  update(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: UpdateCustomerDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<CustomerDto> {
    return this.customers.update(caller, id, body, ifMatch);
  }

  @Get(':id/applications')
  @RequirePermissions('customers:read')
  @ApiOperation({
    operationId: 'customers_applications',
    summary: "A customer's applications that you may see, newest first",
    description: 'A customer outside your scope is 404.',
  })
  @ApiPageResponse(CustomerApplicationSummaryDto)
  @ApiProblems(404, 422)
  applications(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Query() query: PageQuery,
  ): Promise<Page<CustomerApplicationSummaryDto>> {
    return this.customers.applications(caller, id, query);
  }
}
