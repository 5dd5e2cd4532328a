import { Injectable } from '@nestjs/common';
import { Sql } from '@app/database';

export interface CreditTotalsRow {
  mode: 'live' | 'test';
  balance: string;
  reserved: string;
}

/** Read-only aggregates for the operator overview. */
@Injectable()
export class OperatorJobsRepository {
  constructor(private readonly sql: Sql) {}

  creditTotals(): Promise<CreditTotalsRow[]> {
    return this.sql.query<CreditTotalsRow>(
      'overview.credits',
      `SELECT mode, COALESCE(sum(balance), 0)::text AS balance, COALESCE(sum(reserved), 0)::text AS reserved FROM credit_accounts GROUP BY mode`,
    );
  }

  jobCountsSince(hours: number): Promise<{ status: string; n: string }[]> {
    return this.sql.query<{ status: string; n: string }>(
      'overview.job_counts',
      `SELECT status, count(*)::text AS n FROM jobs WHERE created_at > now() - make_interval(hours => $1) GROUP BY status`,
      [hours],
    );
  }
}
