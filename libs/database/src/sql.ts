import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

/**
 * Named (server-side prepared) statements on TypeORM's own pg pool, for the hot paths where one
 * round trip matters: parse and plan once per connection, then only bind and execute.
 */
@Injectable()
export class Sql {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  async query<T extends QueryResultRow>(name: string, text: string, values: unknown[] = []): Promise<T[]> {
    const result = await this.pool.query<T>({ name, text, values });
    return result.rows;
  }
}
