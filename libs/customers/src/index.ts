export { CustomersModule } from './customers.module';
export { CustomersService, CUSTOMER_CHANGES_CHANNEL } from './customers.service';
export { PlansService } from './plans.service';
export type { CustomerRow, PlanRow } from './customers.repository';
export { CustomerEntity, CUSTOMER_STATUSES, type CustomerStatus } from './customer.entity';
export { PlanEntity } from './plan.entity';
export { CreateCustomerDto, UpdateCustomerDto, ListCustomersQueryDto, CustomerDto, PlanDto } from './customer.dto';
