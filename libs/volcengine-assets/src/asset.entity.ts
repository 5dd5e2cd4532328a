import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';
import { CustomerEntity } from '@app/customers/customer.entity';
import { AssetGroupEntity } from './asset-group.entity';

export const ASSET_STATUSES = ['processing', 'active', 'failed'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];
export type AssetKind = 'ingested' | 'registered';
export type AssetMode = 'live' | 'test';

@Entity('assets')
@Check('assets_mode_check', `mode IN ('live', 'test')`)
@Check('assets_status_check', `status IN ('processing', 'active', 'failed')`)
@Check('assets_kind_check', `kind IN ('ingested', 'registered')`)
@Unique('assets_provider_key', ['volcengineAccountId', 'providerAssetId'])
@Index('assets_customer_idx', ['customerId', 'mode', 'id'])
@Index('assets_group_idx', ['groupId'])
@Index('assets_due_idx', { synchronize: false })
export class AssetEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'assets_pkey' })
  id: string;

  /** NULL: operator-owned. */
  @Column({ name: 'customer_id', type: 'text', collation: 'C', nullable: true })
  customerId: string | null;

  @ManyToOne(() => CustomerEntity, { nullable: true })
  @JoinColumn({ name: 'customer_id', referencedColumnName: 'id', foreignKeyConstraintName: 'assets_customer_fkey' })
  customer?: CustomerEntity;

  @Column({ type: 'text' })
  mode: AssetMode;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  status: AssetStatus;

  @Column({ type: 'jsonb', nullable: true })
  error: { code: string; message: string } | null;

  @Column({ type: 'text' })
  kind: AssetKind;

  /** NULL for test-mode (simulated) assets. */
  @Column({ name: 'volcengine_account_id', type: 'text', collation: 'C', nullable: true })
  volcengineAccountId: string | null;

  @Column({ name: 'project_name', type: 'text', nullable: true })
  projectName: string | null;

  @Column({ name: 'provider_asset_id', type: 'text', collation: 'C' })
  providerAssetId: string;

  @Column({ name: 'group_id', type: 'text', collation: 'C', nullable: true })
  groupId: string | null;

  @ManyToOne(() => AssetGroupEntity, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', referencedColumnName: 'id', foreignKeyConstraintName: 'assets_group_fkey' })
  group?: AssetGroupEntity;

  @Column({ name: 'source_object_key', type: 'text', nullable: true })
  sourceObjectKey: string | null;

  @Column({ name: 'next_poll_at', type: 'timestamptz', nullable: true })
  nextPollAt: Date | null;

  @Column({ name: 'deadline_at', type: 'timestamptz', nullable: true })
  deadlineAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
