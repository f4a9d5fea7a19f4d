import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Client, type QueryResultRow } from 'pg';
import type { AppConfig } from '../config/app-config';
import { connectionOptions } from './data-source-options';

const RECONNECT_MS = 2000;
/** How the connection shows in `pg_stat_activity`. */
export const LISTENER_NAME = 'lc-workflow-server listener';
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

type NotificationHandler = (payload: string) => void;

/**
 * The instance's one connection for PostgreSQL `LISTEN`, outside the pool (so an instance
 * opens `DATABASE_POOL_SIZE` + 1 connections). Outside the pool because a request that holds
 * a pool connection inside its transaction must never wait for another one: with the pool
 * full of such requests, that wait would never end. Modules subscribe to channels; after a
 * lost connection it reconnects every 2 s and tells subscribers, who may have missed
 * notifications meanwhile. Subscribers may also run their own small reads on it.
 */
@Injectable()
export class DatabaseNotifications implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DatabaseNotifications.name);
  private readonly handlers = new Map<string, NotificationHandler[]>();
  private readonly reconnectHandlers: (() => void)[] = [];
  private client?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private closing = false;
  private attempts = 0;

  constructor(private readonly config: ConfigService<AppConfig, true>) {}

  get connected(): boolean {
    return this.client !== undefined;
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /**
   * Calls `onNotification` for every notification on `channel`, and `onReconnect` whenever the
   * connection comes back after a loss (notifications sent meanwhile were missed).
   */
  async listen(
    channel: string,
    onNotification: NotificationHandler,
    onReconnect?: () => void,
  ): Promise<void> {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`Invalid channel name "${channel}"`);
    const first = !this.handlers.has(channel);
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), onNotification]);
    if (onReconnect) this.reconnectHandlers.push(onReconnect);
    const client = this.client;
    if (first && client) {
      await client.query(`LISTEN ${channel}`).catch((error: unknown) => this.lost(error, client));
    }
  }

  /** A read on the listening connection (never waits for the pool); fails while it is down. */
  async query<Row extends QueryResultRow>(sql: string, parameters?: unknown[]): Promise<Row[]> {
    if (!this.client) throw new Error('The notification connection is down');
    return (await this.client.query<Row>(sql, parameters)).rows;
  }

  private async connect(): Promise<void> {
    const client = new Client({
      ...connectionOptions(this.config.get('database', { infer: true })),
      application_name: LISTENER_NAME,
      keepAlive: true,
    });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) {
        handler(message.payload ?? '');
      }
    });
    client.on('error', (error) => this.lost(error, client));
    client.on('end', () => this.lost(undefined, client));
    const missedSome = this.attempts > 0;
    this.attempts += 1;
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      this.logger.warn({ err: error }, 'Cannot LISTEN on PostgreSQL; retrying');
      discard(client);
      this.scheduleReconnect();
      return;
    }
    if (this.closing) return discard(client);
    this.client = client;
    if (missedSome) for (const handler of this.reconnectHandlers) handler();
  }

  /** The listening connection failed: drop it and connect again shortly. */
  private lost(error: unknown, client: Client): void {
    if (client !== this.client) return; // still connecting (handled there) or already dropped
    this.client = undefined;
    discard(client);
    this.logger.warn({ err: error }, 'The LISTEN connection to PostgreSQL was lost; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closing) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), RECONNECT_MS);
    this.reconnectTimer.unref();
  }
}

function discard(client: Client): void {
  client.removeAllListeners('end');
  client.removeAllListeners('error');
  client.on('error', () => undefined);
  void client.end().catch(() => undefined);
}
