import { HttpStatus, Injectable, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth/auth-user';
import { type FieldError, ProblemException, ValidationProblem } from '../common/http/problem';
import { Setting } from './setting.entity';
import type { CatalogEntry } from './setting-types';
import { SETTINGS_CHANNEL, SettingsCache } from './settings-cache';
import {
  type CatalogName,
  CATEGORY_PATTERN,
  CATEGORY_RULE,
  definitionOf,
  isSettingKey,
  SETTING_KEY_RULE,
  SETTINGS,
  settingValueProblems,
  type SettingValues,
} from './settings-registry';

export interface SettingInput {
  value: unknown;
  category?: string;
  description?: string | null;
  is_public?: boolean;
}

/** The two keys that are one value: the manager's USD approval limit. */
const MANAGER_LIMIT_ALIAS = 'manager_approval_threshold';

/** Settings whose values must be in a catalogue, and the values each one uses. */
const CATALOG_REFERENCES: { key: string; catalog: string; uses: (value: unknown) => string[] }[] = [
  { key: 'default_currency', catalog: 'catalog.currencies', uses: (value) => [value as string] },
  {
    key: 'required_document_types',
    catalog: 'catalog.document_types',
    uses: (value) => value as string[],
  },
];

type Limits = Record<string, Record<string, number | null>>;

/** One bulk change giving the alias and approval_limits.manager.USD two different values. */
function aliasConflicts(values: Record<string, unknown>): FieldError[] {
  if (!(MANAGER_LIMIT_ALIAS in values) || !('approval_limits' in values)) return [];
  const usd = (values.approval_limits as Limits).manager?.USD;
  if (usd === values[MANAGER_LIMIT_ALIAS]) return [];
  const msg = `${MANAGER_LIMIT_ALIAS} and approval_limits.manager.USD are one value; give them the same amount (or only one)`;
  return [
    { loc: ['body', MANAGER_LIMIT_ALIAS], msg, type: 'setting_conflict' },
    { loc: ['body', 'approval_limits'], msg, type: 'setting_conflict' },
  ];
}

/**
 * Settings: typed reads for the rest of the server (cached, see SettingsCache) and the
 * validated writes behind the /settings routes. Known keys keep their declared category and
 * visibility; every change is audited and announced to every instance in its transaction.
 */
@Injectable()
export class SettingsService implements OnApplicationBootstrap {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cache: SettingsCache,
    private readonly audit: AuditService,
  ) {}

  private get repository() {
    return this.txHost.tx.getRepository(Setting);
  }

  /** Every known key gets its row (with its default) once; concurrent starts are harmless. */
  async onApplicationBootstrap(): Promise<void> {
    await this.initialize(null);
  }

  /** The value in force for a key the server obeys (its default when never set). */
  async get<K extends keyof SettingValues>(key: K): Promise<SettingValues[K]> {
    const values = await this.cache.all();
    return (values.has(key) ? values.get(key) : SETTINGS[key].default) as SettingValues[K];
  }

  async catalog(name: CatalogName): Promise<CatalogEntry[]> {
    const key = `catalog.${name}` as const;
    const values = await this.cache.all();
    return (values.get(key) ?? SETTINGS[key].default) as CatalogEntry[];
  }

  async catalogValues(name: CatalogName): Promise<string[]> {
    return (await this.catalog(name)).map((entry) => entry.value);
  }

  /** Rows visible to the caller: admins see all, others the public ones. */
  async list(caller: AuthUser, category?: string): Promise<Setting[]> {
    const query = this.repository.createQueryBuilder('s').orderBy('s.category').addOrderBy('s.key');
    if (category) query.andWhere('s.category = :category', { category });
    if (caller.role !== 'admin') query.andWhere('s.is_public = true');
    return query.getMany();
  }

  async categories(caller: AuthUser): Promise<string[]> {
    const query = this.repository
      .createQueryBuilder('s')
      .select('DISTINCT s.category', 'category')
      .orderBy('s.category');
    if (caller.role !== 'admin') query.andWhere('s.is_public = true');
    const rows: { category: string }[] = await query.getRawMany();
    return rows.map((row) => row.category);
  }

  /** A setting the caller may read; others are 404 (their existence is not revealed). */
  async findVisible(caller: AuthUser, key: string): Promise<Setting> {
    const setting = await this.repository.findOneBy({ key });
    if (!setting || (!setting.isPublic && caller.role !== 'admin')) {
      throw new NotFoundException(`No setting "${key}".`);
    }
    return setting;
  }

  /** POST: a new key. Known keys always exist already (seeded), so this is 409 for them. */
  async create(caller: AuthUser, key: string, input: SettingInput): Promise<Setting> {
    return this.inTransaction(() => this.insert(caller, key, input));
  }

  private async insert(caller: AuthUser, key: string, input: SettingInput): Promise<Setting> {
    await this.validate(key, input);
    if (await this.repository.existsBy({ key })) {
      throw new ProblemException(
        HttpStatus.CONFLICT,
        `The setting "${key}" exists; use PUT to change it.`,
        {
          type: 'duplicate',
        },
      );
    }
    const definition = definitionOf(key);
    const setting = await this.repository.save(
      this.repository.create({
        key,
        value: input.value,
        category: definition?.category ?? input.category ?? 'general',
        description: definition?.description ?? input.description ?? null,
        isPublic: definition?.isPublic ?? input.is_public ?? false,
        createdBy: caller.id,
        updatedBy: caller.id,
      }),
    );
    await this.changed(caller, 'setting.created', setting, undefined);
    return setting;
  }

  /** PUT: sets the value (and, for unknown keys, category, description and visibility). */
  async put(caller: AuthUser, key: string, input: SettingInput): Promise<Setting> {
    return this.inTransaction(async () => {
      await this.validate(key, input);
      return this.write(caller, key, input);
    });
  }

  /** PATCH /bulk `{key: value}`: all or nothing. */
  async bulk(caller: AuthUser, values: Record<string, unknown>): Promise<Setting[]> {
    return this.inTransaction(async () => {
      const errors: FieldError[] = [];
      for (const [key, value] of Object.entries(values)) {
        for (const msg of await this.problems(key, { value }, values)) {
          errors.push({ loc: ['body', key], msg, type: 'setting_value' });
        }
      }
      if (!errors.length) errors.push(...aliasConflicts(values));
      if (errors.length) throw new ValidationProblem(errors);
      const saved: Setting[] = [];
      for (const [key, value] of Object.entries(values))
        saved.push(await this.write(caller, key, { value }));
      return saved;
    });
  }

  /**
   * DELETE: an unknown key is removed; a known key cannot be removed, it is reset to its
   * default instead (the answer says so).
   */
  async remove(caller: AuthUser, key: string): Promise<Setting | null> {
    return this.inTransaction(async () => {
      const definition = definitionOf(key);
      if (definition) {
        const conflicts = await this.crossKeyProblems(key, definition.default, {});
        if (conflicts.length) {
          throw new ProblemException(
            HttpStatus.CONFLICT,
            `The setting "${key}" cannot be reset to its default: ${conflicts.join('; ')}.`,
            { type: 'setting-in-use' },
          );
        }
        return this.write(caller, key, { value: definition.default }, 'setting.reset');
      }
      const setting = await this.lockRow(key);
      if (!setting) throw new NotFoundException(`No setting "${key}".`);
      await this.repository.delete(setting.id);
      await this.changed(caller, 'setting.deleted', setting, setting.value);
      return null;
    });
  }

  /** Creates the rows of known keys that are missing, with their defaults. Returns the keys. */
  async initialize(caller: AuthUser | null): Promise<string[]> {
    return this.inTransaction(async () => {
      const rows = Object.entries(SETTINGS).map(([key, definition]) => ({
        key,
        value: definition.default,
        category: definition.category,
        description: definition.description,
        isPublic: definition.isPublic,
        createdBy: caller?.id ?? null,
        updatedBy: caller?.id ?? null,
      }));
      const result = await this.repository
        .createQueryBuilder()
        .insert()
        .values(rows as QueryDeepPartialEntity<Setting>[])
        .orIgnore()
        .returning(['key'])
        .execute();
      const created = (result.raw as { key: string }[]).map((row) => row.key);
      if (created.length) {
        await this.notify();
        if (caller) {
          await this.audit.record({
            action: 'setting.initialized',
            entityType: 'setting',
            details: { created },
          });
        }
      }
      return created;
    });
  }

  private async validate(key: string, input: SettingInput): Promise<void> {
    const problems = await this.problems(key, input);
    if (problems.length) {
      throw new ValidationProblem(
        problems.map((msg) => ({ loc: ['body', 'value'], msg, type: 'setting_value' })),
      );
    }
  }

  /** Type, range and size, then the rules that involve other keys. */
  private async problems(
    key: string,
    input: SettingInput,
    pending: Record<string, unknown> = {},
  ): Promise<string[]> {
    if (!isSettingKey(key)) return [`the key must be ${SETTING_KEY_RULE}`];
    if (input.category !== undefined && !CATEGORY_PATTERN.test(input.category)) {
      return [`the category must be ${CATEGORY_RULE}`];
    }
    const problems = settingValueProblems(key, input.value);
    if (problems.length) return problems;
    return this.crossKeyProblems(key, input.value, pending);
  }

  /**
   * Values that must be in a catalogue (default_currency, required_document_types), checked
   * from both sides: a value must be in its catalogue, and a catalogue must keep the values in
   * use. `pending` holds the other values of the same bulk change (used when valid).
   */
  private async crossKeyProblems(
    key: string,
    value: unknown,
    pending: Record<string, unknown>,
  ): Promise<string[]> {
    const stored = await this.cache.all();
    const valueOf = (name: string): unknown => {
      if (name === key) return value;
      if (name in pending && !settingValueProblems(name, pending[name]).length) {
        return pending[name];
      }
      return stored.has(name) ? stored.get(name) : definitionOf(name)?.default;
    };
    const problems: string[] = [];
    for (const rule of CATALOG_REFERENCES) {
      if (key !== rule.key && key !== rule.catalog) continue;
      const catalogue = valueOf(rule.catalog) as CatalogEntry[];
      const allowed = catalogue.map((entry) => entry.value);
      const missing = rule.uses(valueOf(rule.key)).filter((used) => !allowed.includes(used));
      if (!missing.length) continue;
      problems.push(
        key === rule.key
          ? `not in ${rule.catalog}: ${missing.join(', ')} (allowed: ${allowed.join(', ')})`
          : `${rule.key} uses ${missing.join(', ')}, so ${rule.catalog} must keep ${missing.length > 1 ? 'them' : 'it'} (change ${rule.key} first, or in the same bulk change)`,
      );
    }
    return problems;
  }

  private lockRow(key: string): Promise<Setting | null> {
    return this.repository
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.key = :key', { key })
      .getOne();
  }

  /** Upsert one value (validated already), keeping the manager-limit alias in step. */
  private async write(
    caller: AuthUser,
    key: string,
    input: SettingInput,
    action?: string,
  ): Promise<Setting> {
    const existing = await this.lockRow(key);
    const definition = definitionOf(key);
    let setting: Setting;
    if (existing) {
      const before = existing.value;
      existing.value = input.value;
      existing.updatedBy = caller.id;
      if (!definition) {
        if (input.category !== undefined) existing.category = input.category;
        if (input.description !== undefined) existing.description = input.description;
        if (input.is_public !== undefined) existing.isPublic = input.is_public;
      }
      setting = await this.repository.save(existing);
      await this.changed(caller, action ?? 'setting.updated', setting, before);
    } else {
      setting = await this.insert(caller, key, input);
    }
    await this.syncAlias(caller, key, input.value);
    return setting;
  }

  /** manager_approval_threshold is approval_limits.manager.USD: writing one writes the other. */
  private async syncAlias(caller: AuthUser, key: string, value: unknown): Promise<void> {
    if (key === MANAGER_LIMIT_ALIAS) {
      const limits = structuredClone(await this.currentValue('approval_limits')) as Limits;
      if (limits.manager?.USD === value) return;
      limits.manager = { ...limits.manager, USD: value as number };
      await this.writeQuietly(caller, 'approval_limits', limits);
    } else if (key === 'approval_limits') {
      const usd = (value as Limits).manager?.USD;
      const alias = await this.currentValue(MANAGER_LIMIT_ALIAS);
      if (typeof usd === 'number' && usd !== alias)
        await this.writeQuietly(caller, MANAGER_LIMIT_ALIAS, usd);
    }
  }

  private async currentValue(key: string): Promise<unknown> {
    const row = await this.repository.findOneBy({ key });
    return row ? row.value : definitionOf(key)?.default;
  }

  private async writeQuietly(caller: AuthUser, key: string, value: unknown): Promise<void> {
    const existing = await this.lockRow(key);
    if (!existing) return;
    const before = existing.value;
    existing.value = value;
    existing.updatedBy = caller.id;
    await this.repository.save(existing);
    await this.changed(caller, 'setting.updated', existing, before);
  }

  private async changed(
    caller: AuthUser,
    action: string,
    setting: Setting,
    before: unknown,
  ): Promise<void> {
    await this.audit.record({
      action,
      entityType: 'setting',
      entityId: setting.key,
      details: {
        key: setting.key,
        from: before ?? null,
        to: action === 'setting.deleted' ? null : setting.value,
      },
      actor: { id: caller.id, name: caller.username, role: caller.role },
    });
    await this.notify();
  }

  /** Delivered to every instance (this one too) when the transaction commits. */
  private async notify(): Promise<void> {
    await this.txHost.tx.query(`NOTIFY ${SETTINGS_CHANNEL}`);
  }

  /**
   * A change in one transaction; once it has committed, this instance reloads its values before
   * answering, so every request that starts after the commit reads them.
   */
  private async inTransaction<T>(change: () => Promise<T>): Promise<T> {
    const result = await this.txHost.withTransaction(change);
    await this.cache.refresh();
    return result;
  }
}
