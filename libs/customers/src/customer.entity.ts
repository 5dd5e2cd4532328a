import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { PlanEntity } from './plan.entity';

export const CUSTOMER_STATUSES = ['active', 'suspended', 'closed'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

@Entity('customers')
@Check('customers_status_check', `status IN ('active', 'suspended', 'closed')`)
@Index('customers_email_lower_key', { synchronize: false })
@Index('customers_external_id_key', { synchronize: false })
@Index('customers_status_id_idx', ['status', 'id'])
export class CustomerEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'customers_pkey' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ name: 'plan_code', type: 'text', collation: 'C' })
  planCode: string;

  @ManyToOne(() => PlanEntity, { nullable: false })
  @JoinColumn({ name: 'plan_code', referencedColumnName: 'code', foreignKeyConstraintName: 'customers_plan_code_fkey' })
  plan?: PlanEntity;

  @Column({ type: 'text', default: 'active' })
  status: CustomerStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
