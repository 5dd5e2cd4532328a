import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const PROVIDERS = ['apiyi', 'volcengine'] as const;
export type ProviderName = (typeof PROVIDERS)[number];
export const ACCOUNT_STATUSES = ['active', 'cooldown', 'exhausted', 'disabled', 'invalid'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** One upstream account of the pool. `credentials` is a SecretBox seal with the row id as AAD. */
@Entity('provider_accounts')
@Check('provider_accounts_provider_check', `provider IN ('apiyi', 'volcengine')`)
@Check('provider_accounts_status_check', `status IN ('active', 'cooldown', 'exhausted', 'disabled', 'invalid')`)
@Check('provider_accounts_weight_check', `weight BETWEEN 1 AND 1000`)
@Check('provider_accounts_priority_check', `priority BETWEEN -1000 AND 1000`)
@Index('provider_accounts_provider_idx', ['provider', 'id'])
export class ProviderAccountEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'provider_accounts_pkey' })
  id: string;

  @Column({ type: 'text' })
  provider: ProviderName;

  @Column({ type: 'text' })
  label: string;

  @Column({ name: 'base_url', type: 'text', nullable: true })
  baseUrl: string | null;

  @Column({ type: 'text', default: 'active' })
  status: AccountStatus;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'text' })
  credentials: string;

  @Column({ name: 'credentials_hint', type: 'text' })
  credentialsHint: string;

  @Column({ name: 'credentials_rotated_at', type: 'timestamptz', default: () => 'now()' })
  credentialsRotatedAt: Date;

  @Column({ type: 'integer', default: 0 })
  priority: number;

  @Column({ type: 'integer', default: 1 })
  weight: number;

  @Column({ type: 'bigint', nullable: true })
  balance: string | null;

  @Column({ name: 'balance_checked_at', type: 'timestamptz', nullable: true })
  balanceCheckedAt: Date | null;

  @Column({ name: 'cooldown_until', type: 'timestamptz', nullable: true })
  cooldownUntil: Date | null;

  @Column({ name: 'failure_streak', type: 'integer', default: 0 })
  failureStreak: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'last_error_at', type: 'timestamptz', nullable: true })
  lastErrorAt: Date | null;

  @Column({ name: 'volcengine_account_id', type: 'text', collation: 'C', nullable: true })
  volcengineAccountId: string | null;

  @ManyToOne(() => ProviderAccountEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'volcengine_account_id', referencedColumnName: 'id', foreignKeyConstraintName: 'provider_accounts_volcengine_fkey' })
  volcengineAccount?: ProviderAccountEntity | null;

  @Column({ type: 'text', nullable: true })
  region: string | null;

  @Column({ name: 'project_name', type: 'text', nullable: true })
  projectName: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

/** Append-only (a trigger refuses UPDATE and DELETE); kept after the account is deleted. */
@Entity('provider_account_events')
@Index('provider_account_events_account_idx', ['accountId', 'id'])
export class ProviderAccountEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'provider_account_events_pkey' })
  id: string;

  @Column({ name: 'account_id', type: 'text', collation: 'C' })
  accountId: string;

  /** `created`, `updated`, `status`, `credentials_rotated`, `checked`, `deleted`. */
  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus: string | null;

  @Column({ name: 'to_status', type: 'text', nullable: true })
  toStatus: string | null;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'text' })
  actor: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
