import { Injectable, Logger, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

const CHANNEL = 'xshathra_project_changes';
const MAX_RECONNECT_DELAY_MS = 10_000;

/**
 * Tells every instance that projects or keys changed (a revoke, a disable, a policy or limit change), through
 * PostgreSQL LISTEN/NOTIFY, so that caches drop what they hold at once instead of at their TTL.
 *
 * Instances listen on a connection of their own, opened when the first listener subscribes (the CLI only
 * announces). When that connection is lost, it comes back by itself; until then the caches' TTL still
 * bounds staleness, and listeners are told on reconnect, as notifications may have been missed meanwhile.
 */
@Injectable()
export class ProjectChanges implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectChanges.name);
  private readonly listeners: Array<() => void> = [];
  private client?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;
  /** From the first shutdown hook on: a lost connection is expected then (Ctrl-C stops a dev database too). */
  private shuttingDown = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Announces a change to every instance (this one included). */
  async announce(): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [CHANNEL, '']);
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
    if (this.listeners.length === 1) void this.listen();
  }

  onModuleDestroy(): void {
    this.shuttingDown = true;
  }

  onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    return this.client?.end().catch(() => undefined) ?? Promise.resolve();
  }

  private async listen(): Promise<void> {
    const { url } = this.dataSource.options as { url?: string };
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
    this.client = client;
    const reconnect = () => this.reconnectLater();
    client.on('notification', () => this.notify());
    client.on('error', () => undefined); // 'end' follows, and reconnects
    client.once('end', reconnect);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch {
      client.removeListener('end', reconnect);
      await client.end().catch(() => undefined);
      this.reconnectLater();
      return;
    }
    if (this.failures > 0) this.logger.log('Listening for project changes again');
    this.failures = 0;
    this.notify();
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    if (this.failures === 0 && !this.shuttingDown)
      this.logger.warn('Not listening for project changes; reconnecting (until then, caches expire at their TTL)');
    this.failures++;
    const delay = Math.min(250 * 2 ** (this.failures - 1), MAX_RECONNECT_DELAY_MS);
    this.reconnectTimer = setTimeout(() => void this.listen(), delay).unref();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
