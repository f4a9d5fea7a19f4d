import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';

export const SETTINGS_CHANNEL = 'settings_changed';
/** Without a working LISTEN connection, cached values live this long at most. */
const FALLBACK_TTL_MS = 5000;
const RECONNECT_MS = 2000;

/**
 * Every setting's value, cached in this process. A change commits a `NOTIFY settings_changed`
 * in its transaction; every instance LISTENs and drops its cache at once. While the LISTEN
 * connection is down the cache lives at most 5 seconds, so a change takes effect on every
 * instance within 5 seconds whatever happens.
 */
@Injectable()
export class SettingsCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SettingsCache.name);
  private values?: Promise<Map<string, unknown>>;
  private loadedAt = 0;
  private listener?: PoolClient;
  private reconnectTimer?: NodeJS.Timeout;
  private closing = false;
  private readonly released = new WeakSet<PoolClient>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  /** Before the pool closes (it waits for every client to be released). */
  onModuleDestroy(): void {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    if (this.listener) this.release(this.listener);
    this.listener = undefined;
  }

  /** All stored values by key (loaded in one query, then from memory). */
  all(): Promise<Map<string, unknown>> {
    const stale = !this.listener && Date.now() - this.loadedAt > FALLBACK_TTL_MS;
    if (!this.values || stale) {
      this.loadedAt = Date.now();
      this.values = this.load().catch((error: unknown) => {
        this.values = undefined;
        throw error;
      });
    }
    return this.values;
  }

  invalidate(): void {
    this.values = undefined;
  }

  private async load(): Promise<Map<string, unknown>> {
    const rows: { key: string; value: unknown }[] = await this.dataSource.query(
      'SELECT key, value FROM settings',
    );
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  private async listen(): Promise<void> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    let client: PoolClient | undefined;
    try {
      client = await pool.connect();
      const connection = client;
      connection.on('notification', () => this.invalidate());
      connection.on('error', () => this.lost(connection));
      await connection.query(`LISTEN ${SETTINGS_CHANNEL}`);
      if (this.closing) return this.release(connection);
      this.listener = connection;
      // Changes made while no one listened.
      this.invalidate();
    } catch (error) {
      this.logger.warn({ err: error }, 'Cannot LISTEN for settings changes; caching 5 s at most');
      this.lost(client);
    }
  }

  /** After a failed or broken LISTEN connection: drop it and try again shortly. */
  private lost(client?: PoolClient): void {
    if (client) this.release(client);
    // A late error from a connection replaced already.
    if (client && this.listener && client !== this.listener) return;
    this.listener = undefined;
    if (this.closing) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.listen(), RECONNECT_MS);
    this.reconnectTimer.unref();
  }

  /** Destroys the connection (not back to the pool); pg throws on a second release. */
  private release(client: PoolClient): void {
    if (this.released.has(client)) return;
    this.released.add(client);
    client.release(true);
  }
}
