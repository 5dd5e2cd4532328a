import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { CustomerEntity } from '@app/customers/customer.entity';

export type ApiKeyMode = 'live' | 'test';

@Entity('api_keys')
@Check('api_keys_mode_check', `mode IN ('live', 'test')`)
@Check('api_keys_key_hash_check', `key_hash ~ '^[0-9a-f]{64}$'`)
@Unique('api_keys_key_hash_key', ['keyHash'])
@Index('api_keys_customer_idx', ['customerId', 'id'])
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'api_keys_pkey' })
  id: string;

  @Column({ name: 'customer_id', type: 'text', collation: 'C' })
  customerId: string;

  @ManyToOne(() => CustomerEntity, { nullable: false })
  @JoinColumn({ name: 'customer_id', referencedColumnName: 'id', foreignKeyConstraintName: 'api_keys_customer_fkey' })
  customer?: CustomerEntity;

  @Column({ type: 'text' })
  mode: ApiKeyMode;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text' })
  prefix: string;

  @Column({ name: 'key_hash', type: 'text', collation: 'C' })
  keyHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
