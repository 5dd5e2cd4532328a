import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { OperatorApi, OperatorContext, type RequestContext } from '@app/auth';
import { CreditChangeDto, CreditChangeResponseDto, LedgerPageDto, LedgerQueryDto } from './credits.dto';
import { CustomerAccountsService } from './customer-accounts.service';

@ApiTags('Operator: credits')
@OperatorApi()
@Controller('api/public/customers/:customerId/credits')
export class CreditsController {
  constructor(private readonly accounts: CustomerAccountsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ operationId: 'changeCredits', summary: 'Top up (positive amount) or adjust (negative amount) a balance' })
  @ApiErrors('invalid_request', 'not_found', 'below_reserved')
  async change(@Param('customerId') customerId: string, @Body() body: CreditChangeDto, @OperatorContext() ctx: RequestContext): Promise<CreditChangeResponseDto> {
    return { ok: true, ...(await this.accounts.changeCredits(customerId, body, ctx)) };
  }

  @Get()
  @ApiOperation({ operationId: 'getCredits', summary: 'Balances and ledger entries, newest first' })
  @ApiErrors('invalid_request', 'not_found')
  async ledger(@Param('customerId') customerId: string, @Query() query: LedgerQueryDto): Promise<LedgerPageDto> {
    return this.accounts.ledger(customerId, query);
  }
}
