import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('plans')
@Check('plans_code_check', `code ~ '^[a-z0-9][a-z0-9_-]{0,62}$'`)
@Check('plans_requests_per_minute_check', 'requests_per_minute >= 1 AND requests_per_minute <= 1000000')
@Check('plans_max_concurrent_jobs_check', 'max_concurrent_jobs >= 1 AND max_concurrent_jobs <= 1000000')
@Check('plans_max_queued_jobs_check', 'max_queued_jobs >= 0 AND max_queued_jobs <= 10000000')
export class PlanEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'plans_pkey' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'requests_per_minute', type: 'integer' })
  requestsPerMinute: number;

  @Column({ name: 'max_concurrent_jobs', type: 'integer' })
  maxConcurrentJobs: number;

  @Column({ name: 'max_queued_jobs', type: 'integer' })
  maxQueuedJobs: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
