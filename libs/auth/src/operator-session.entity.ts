import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OperatorEntity } from './operator.entity';

export const SESSION_STAGES = ['enrollment', 'password', 'full'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];

@Entity('operator_sessions')
@Check('operator_sessions_id_check', `id ~ '^[0-9a-f]{64}$'`)
@Check('operator_sessions_stage_check', `stage IN ('enrollment', 'password', 'full')`)
@Index('operator_sessions_operator_idx', ['operatorId', 'createdAt'])
export class OperatorSessionEntity {
  /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'operator_sessions_pkey' })
  id: string;

  @Column({ name: 'operator_id', type: 'text', collation: 'C' })
  operatorId: string;

  @ManyToOne(() => OperatorEntity, { nullable: false })
  @JoinColumn({ name: 'operator_id', referencedColumnName: 'id', foreignKeyConstraintName: 'operator_sessions_operator_fkey' })
  operator?: OperatorEntity;

  @Column({ type: 'text' })
  stage: SessionStage;

  @Column({ name: 'csrf_token', type: 'text' })
  csrfToken: string;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt: Date;

  @Column({ name: 'idle_expires_at', type: 'timestamptz' })
  idleExpiresAt: Date;

  @Column({ name: 'absolute_expires_at', type: 'timestamptz' })
  absoluteExpiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
