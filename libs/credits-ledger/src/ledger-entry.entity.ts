import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CreditAccountEntity, type CreditMode } from './credit-account.entity';

export const LEDGER_KINDS = ['topup', 'adjustment', 'reserve', 'capture', 'release'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE): every change to an account is one row. */
@Entity('ledger_entries')
@Check('ledger_entries_kind_check', `kind IN ('topup', 'adjustment', 'reserve', 'capture', 'release')`)
@Unique('ledger_entries_job_kind_key', ['jobId', 'kind'])
@Index('ledger_entries_account_idx', ['customerId', 'mode', 'id'])
@Index('ledger_entries_settlement_key', { synchronize: false })
export class LedgerEntryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'ledger_entries_pkey' })
  id: string;

  @Column({ name: 'customer_id', type: 'text', collation: 'C' })
  customerId: string;

  @Column({ type: 'text' })
  mode: CreditMode;

  @ManyToOne(() => CreditAccountEntity, { nullable: false })
  @JoinColumn([
    { name: 'customer_id', referencedColumnName: 'customerId', foreignKeyConstraintName: 'ledger_entries_account_fkey' },
    { name: 'mode', referencedColumnName: 'mode', foreignKeyConstraintName: 'ledger_entries_account_fkey' },
  ])
  account?: CreditAccountEntity;

  @Column({ type: 'text' })
  kind: LedgerKind;

  @Column({ name: 'balance_delta', type: 'bigint' })
  balanceDelta: string;

  @Column({ name: 'reserved_delta', type: 'bigint' })
  reservedDelta: string;

  @Column({ name: 'balance_after', type: 'bigint' })
  balanceAfter: string;

  @Column({ name: 'reserved_after', type: 'bigint' })
  reservedAfter: string;

  @Column({ name: 'job_id', type: 'text', collation: 'C', nullable: true })
  jobId: string | null;

  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
