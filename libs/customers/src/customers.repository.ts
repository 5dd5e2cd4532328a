import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '@app/database';
import type { CustomerStatus } from './customer.entity';

export interface CustomerRow {
  id: string;
  name: string;
  email: string | null;
  externalId: string | null;
  planCode: string;
  status: CustomerStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface PlanRow {
  code: string;
  name: string;
  requestsPerMinute: number;
  maxConcurrentJobs: number;
  maxQueuedJobs: number;
  createdAt: Date;
  updatedAt: Date;
}

const CUSTOMER_COLUMNS = `id, name, email, external_id AS "externalId", plan_code AS "planCode", status, created_at AS "createdAt", updated_at AS "updatedAt"`;
const PLAN_COLUMNS = `code, name, requests_per_minute AS "requestsPerMinute", max_concurrent_jobs AS "maxConcurrentJobs", max_queued_jobs AS "maxQueuedJobs", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** ILIKE pattern matching `q` literally anywhere. */
function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

@Injectable()
export class CustomersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(manager: EntityManager | undefined, row: Pick<CustomerRow, 'id' | 'name' | 'email' | 'externalId' | 'planCode'>): Promise<CustomerRow> {
    const rows: CustomerRow[] = await this.m(manager).query(
      `INSERT INTO customers (id, name, email, external_id, plan_code) VALUES ($1, $2, $3, $4, $5) RETURNING ${CUSTOMER_COLUMNS}`,
      [row.id, row.name, row.email, row.externalId, row.planCode],
    );
    return rows[0];
  }

  async findById(id: string, manager?: EntityManager, forUpdate = false): Promise<CustomerRow | undefined> {
    const rows: CustomerRow[] = await this.m(manager).query(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0];
  }

  /** Newest first (ids sort by creation time under COLLATE "C"), `limit + 1` rows for the next-page check. */
  async list(filter: { status?: CustomerStatus; q?: string; before?: string; limit: number }): Promise<CustomerRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.before !== undefined) {
      params.push(filter.before);
      where.push(`id < $${params.length}`);
    }
    if (filter.status !== undefined) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.q !== undefined) {
      params.push(containsPattern(filter.q));
      const p = `$${params.length}`;
      where.push(`(name ILIKE ${p} OR email ILIKE ${p} OR external_id ILIKE ${p})`);
    }
    params.push(filter.limit + 1);
    return this.dataSource.query(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async update(manager: EntityManager, id: string, patch: Partial<Pick<CustomerRow, 'name' | 'email' | 'planCode' | 'status'>>): Promise<CustomerRow | undefined> {
    const columns: Record<string, string> = { name: 'name', email: 'email', planCode: 'plan_code', status: 'status' };
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, column] of Object.entries(columns)) {
      const value = patch[key as keyof typeof patch];
      if (value !== undefined) {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      }
    }
    sets.push('updated_at = now()');
    const rows = await queryRows<CustomerRow>(manager, `UPDATE customers SET ${sets.join(', ')} WHERE id = $1 RETURNING ${CUSTOMER_COLUMNS}`, params);
    return rows[0];
  }

  async findPlan(code: string, manager?: EntityManager): Promise<PlanRow | undefined> {
    const rows: PlanRow[] = await this.m(manager).query(`SELECT ${PLAN_COLUMNS} FROM plans WHERE code = $1`, [code]);
    return rows[0];
  }

  listPlans(): Promise<PlanRow[]> {
    return this.dataSource.query(`SELECT ${PLAN_COLUMNS} FROM plans ORDER BY code`);
  }

  async insertPlan(manager: EntityManager, plan: Omit<PlanRow, 'createdAt' | 'updatedAt'>): Promise<PlanRow | undefined> {
    const rows: PlanRow[] = await manager.query(
      `INSERT INTO plans (code, name, requests_per_minute, max_concurrent_jobs, max_queued_jobs) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code) DO NOTHING RETURNING ${PLAN_COLUMNS}`,
      [plan.code, plan.name, plan.requestsPerMinute, plan.maxConcurrentJobs, plan.maxQueuedJobs],
    );
    return rows[0];
  }

  async updatePlan(manager: EntityManager, code: string, patch: Partial<Omit<PlanRow, 'code' | 'createdAt' | 'updatedAt'>>): Promise<PlanRow | undefined> {
    const columns: Record<string, string> = {
      name: 'name',
      requestsPerMinute: 'requests_per_minute',
      maxConcurrentJobs: 'max_concurrent_jobs',
      maxQueuedJobs: 'max_queued_jobs',
    };
    const sets: string[] = [];
    const params: unknown[] = [code];
    for (const [key, column] of Object.entries(columns)) {
      const value = patch[key as keyof typeof patch];
      if (value !== undefined) {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      }
    }
    sets.push('updated_at = now()');
    const rows = await queryRows<PlanRow>(manager, `UPDATE plans SET ${sets.join(', ')} WHERE code = $1 RETURNING ${PLAN_COLUMNS}`, params);
    return rows[0];
  }
}
