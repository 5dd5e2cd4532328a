import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const OPERATOR_STATUSES = ['active', 'disabled'] as const;
export type OperatorStatus = (typeof OPERATOR_STATUSES)[number];

@Entity('operators')
@Check('operators_status_check', `status IN ('active', 'disabled')`)
@Index('operators_email_lower_key', { synchronize: false })
export class OperatorEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'operators_pkey' })
  id: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ type: 'text', default: 'active' })
  status: OperatorStatus;

  /** SecretBox-sealed base32 TOTP secret, the operator id as AAD; null until setup. */
  @Column({ name: 'totp_secret_sealed', type: 'text', nullable: true })
  totpSecretSealed: string | null;

  @Column({ name: 'totp_confirmed_at', type: 'timestamptz', nullable: true })
  totpConfirmedAt: Date | null;

  /** The last accepted 30-second step: a code is accepted only for a later step (no replay). */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true })
  totpLastStep: string | null;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
