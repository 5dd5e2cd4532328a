import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { CustomerEntity } from '@app/customers/customer.entity';

export const CREDIT_MODES = ['live', 'test'] as const;
export type CreditMode = (typeof CREDIT_MODES)[number];

@Entity('credit_accounts')
@Check('credit_accounts_mode_check', `mode IN ('live', 'test')`)
@Check('credit_accounts_amounts_check', 'reserved >= 0 AND balance >= reserved')
export class CreditAccountEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'text', collation: 'C', primaryKeyConstraintName: 'credit_accounts_pkey' })
  customerId: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'credit_accounts_pkey' })
  mode: CreditMode;

  @ManyToOne(() => CustomerEntity, { nullable: false })
  @JoinColumn({ name: 'customer_id', referencedColumnName: 'id', foreignKeyConstraintName: 'credit_accounts_customer_id_fkey' })
  customer?: CustomerEntity;

  @Column({ type: 'bigint', default: 0 })
  balance: string;

  @Column({ type: 'bigint', default: 0 })
  reserved: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
