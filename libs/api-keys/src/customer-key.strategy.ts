import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { ApiKeyResolver, type CustomerPrincipal } from './api-key.resolver';

export const CUSTOMER_KEY_STRATEGY = 'customer-key';

@Injectable()
export class CustomerKeyStrategy extends PassportStrategy(Strategy, CUSTOMER_KEY_STRATEGY) {
  constructor(private readonly resolver: ApiKeyResolver) {
    super();
  }

  async validate(token: string): Promise<CustomerPrincipal | false> {
    return (await this.resolver.resolve(token)) ?? false;
  }
}
