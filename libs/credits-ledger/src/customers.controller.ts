import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { OperatorApi, OperatorContext, type RequestContext } from '@app/auth';
import { CreateCustomerDto, ListCustomersQueryDto, UpdateCustomerDto } from '@app/customers';
import { CustomerListDto, CustomerResponseDto } from './credits.dto';
import { CustomerAccountsService } from './customer-accounts.service';

@ApiTags('Operator: customers')
@OperatorApi()
@Controller('api/public/customers')
export class CustomersController {
  constructor(private readonly accounts: CustomerAccountsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createCustomer', summary: 'Create a customer (opens its live and test accounts, grants the test credits)' })
  @ApiErrors('invalid_request', 'conflict')
  async create(@Body() body: CreateCustomerDto, @OperatorContext() ctx: RequestContext): Promise<CustomerResponseDto> {
    return { ok: true, customer: await this.accounts.create(body, ctx) };
  }

  @Get()
  @ApiOperation({ operationId: 'listCustomers', summary: 'List customers, newest first' })
  @ApiErrors('invalid_request')
  async list(@Query() query: ListCustomersQueryDto): Promise<CustomerListDto> {
    return this.accounts.list(query);
  }

  @Get(':customerId')
  @ApiOperation({ operationId: 'getCustomer', summary: 'Get a customer with its balances' })
  @ApiErrors('not_found')
  async get(@Param('customerId') customerId: string): Promise<CustomerResponseDto> {
    return { ok: true, customer: await this.accounts.get(customerId) };
  }

  @Patch(':customerId')
  @ApiOperation({ operationId: 'updateCustomer', summary: 'Change name, email, plan or status (a non-active customer’s keys answer 401 at once)' })
  @ApiErrors('invalid_request', 'not_found', 'conflict')
  async update(@Param('customerId') customerId: string, @Body() body: UpdateCustomerDto, @OperatorContext() ctx: RequestContext): Promise<CustomerResponseDto> {
    return { ok: true, customer: await this.accounts.update(customerId, body, ctx) };
  }
}
