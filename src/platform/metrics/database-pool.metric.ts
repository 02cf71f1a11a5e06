import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge, register } from 'prom-client';
import { DataSource } from 'typeorm';

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The database pool's connections (total, idle) and waiting requests, read at each scrape. */
@Injectable()
export class DatabasePoolMetric implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const pool = () => (this.dataSource.driver as unknown as { master?: PgPool }).master;
    register.removeSingleMetric('xshathra_db_pool_connections');
    new Gauge({
      name: 'xshathra_db_pool_connections',
      help: 'Database pool: connections open (total), idle, and requests waiting for one (waiting).',
      labelNames: ['state'],
      collect() {
        const current = pool();
        this.set({ state: 'total' }, current?.totalCount ?? 0);
        this.set({ state: 'idle' }, current?.idleCount ?? 0);
        this.set({ state: 'waiting' }, current?.waitingCount ?? 0);
      },
    });
  }
}
