import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { CustomerEntity } from '@app/customers/customer.entity';

@Entity('asset_groups')
@Unique('asset_groups_provider_key', ['volcengineAccountId', 'providerGroupId'])
@Index('asset_groups_owner_key', { synchronize: false })
export class AssetGroupEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'asset_groups_pkey' })
  id: string;

  /** NULL: an operator's group. */
  @Column({ name: 'customer_id', type: 'text', collation: 'C', nullable: true })
  customerId: string | null;

  @ManyToOne(() => CustomerEntity, { nullable: true })
  @JoinColumn({ name: 'customer_id', referencedColumnName: 'id', foreignKeyConstraintName: 'asset_groups_customer_fkey' })
  customer?: CustomerEntity;

  @Column({ name: 'volcengine_account_id', type: 'text', collation: 'C' })
  volcengineAccountId: string;

  @Column({ name: 'provider_group_id', type: 'text', collation: 'C' })
  providerGroupId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'project_name', type: 'text' })
  projectName: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
