import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseNotifications } from '../database/database-notifications';

export const SETTINGS_CHANNEL = 'settings_changed';
/** Without a working LISTEN connection, values are reloaded this often. */
const FALLBACK_RELOAD_MS = 5000;
const LOAD_SQL = 'SELECT key, value FROM settings';

type Values = Map<string, unknown>;

/**
 * Every setting's value, in this process's memory. Requests never load settings themselves:
 * a request inside a transaction that waited for another pool connection could wait forever
 * once the pool is full of such requests. Values are loaded at start-up and reloaded in the
 * background on the instance's LISTEN connection (outside the pool):
 * - when a change commits anywhere (`NOTIFY settings_changed`): every instance within moments;
 * - right after this instance commits a change (`refresh()`), before it answers, so every
 *   request that starts after the commit reads the new values;
 * - every 5 s while the LISTEN connection is down, through the pool (never inside a request),
 *   and when it comes back.
 */
@Injectable()
export class SettingsCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SettingsCache.name);
  private values: Values = new Map();
  /** The newest reload under way; readers wait for it (it never needs a pool connection). */
  private reloading?: Promise<Values>;
  private fallbackTimer?: NodeJS.Timeout;
  private reloads = 0;
  private storedSequence = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: DatabaseNotifications,
  ) {}

  async onModuleInit(): Promise<void> {
    const reload = () => void this.refresh().catch(() => undefined);
    await this.notifications.listen(SETTINGS_CHANNEL, reload, reload);
    await this.refresh();
    this.fallbackTimer = setInterval(() => {
      if (!this.notifications.connected) reload();
    }, FALLBACK_RELOAD_MS);
    this.fallbackTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.fallbackTimer);
  }

  /** All stored values by key, from memory (or from the reload under way). */
  all(): Promise<Values> {
    return this.reloading ? this.reloading.catch(() => this.values) : Promise.resolve(this.values);
  }

  /**
   * Reads the values again (after a change committed). Readers that arrive meanwhile get the
   * new values; a failed reload keeps the ones held.
   */
  refresh(): Promise<Values> {
    const sequence = ++this.reloads;
    const reload = this.load().then(
      (values) => {
        // Reloads may finish out of order: the values of a later one win.
        if (sequence > this.storedSequence) {
          this.values = values;
          this.storedSequence = sequence;
        }
        return this.values;
      },
      (error: unknown) => {
        this.logger.warn({ err: error }, 'Could not reload the settings; keeping the values held');
        throw error;
      },
    );
    this.reloading = reload;
    void reload
      .catch(() => undefined)
      .finally(() => {
        if (this.reloading === reload) this.reloading = undefined;
      });
    return reload;
  }

  private async load(): Promise<Values> {
    const rows = this.notifications.connected
      ? await this.notifications.query<{ key: string; value: unknown }>(LOAD_SQL)
      : ((await this.dataSource.query(LOAD_SQL)) as { key: string; value: unknown }[]);
    return new Map(rows.map((row) => [row.key, row.value]));
  }
}
