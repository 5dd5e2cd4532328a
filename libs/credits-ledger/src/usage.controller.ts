import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCustomer, CustomerApi, type CustomerPrincipal } from '@app/api-keys';
import { UsageDto } from './credits.dto';
import { CreditsService } from './credits.service';

@ApiTags('Customer API')
@CustomerApi()
@Controller('v1/usage')
export class UsageController {
  constructor(private readonly credits: CreditsService) {}

  @Get()
  @ApiOperation({ operationId: 'getUsage', summary: "The key's mode's credits: balance, reserved, available" })
  async usage(@CurrentCustomer() customer: CustomerPrincipal): Promise<UsageDto> {
    const b = await this.credits.usage(customer.customerId, customer.mode);
    return { ok: true, mode: customer.mode, creditsBalance: b.balance, creditsReserved: b.reserved, creditsAvailable: Math.max(0, b.available) };
  }
}
