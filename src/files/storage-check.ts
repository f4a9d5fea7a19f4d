/**
 * `npm run storage:check` (issue 11 item 10): compares the bucket with what the database names —
 * file rows (and their thumbnails, legitimate only while their original's row exists), upload
 * intents and tracked chunked uploads — and reports three things separately:
 * - object orphans: objects nothing names, older than `--older-than` (younger ones may belong
 *   to an upload whose intent is being written; they are counted, not judged);
 * - intents in flight: keys handed out or being written, not yet recorded (the storage jobs
 *   remove those past their time);
 * - rows without an object: files whose bytes are gone (reported, never deleted).
 * `--fix` deletes the orphan objects, nothing else. The comparison is pure (`compareStorage`).
 */
import type { DataSource } from 'typeorm';
import type { ListedObject, StorageService } from '../storage/storage.service';
import { THUMBNAIL_SIZES } from './object-keys';

export interface FileRow {
  id: string;
  filePath: string;
}

export interface IntentRow {
  objectKey: string;
  kind: string;
  startedAt: Date;
  expiresAt: Date | null;
}

export interface StorageInventory {
  objects: ListedObject[];
  files: FileRow[];
  intents: IntentRow[];
}

export interface StorageReport {
  objectCount: number;
  fileCount: number;
  orphans: ListedObject[];
  /** Objects nothing names yet, younger than the threshold: not judged. */
  recentUnnamed: number;
  inFlight: (IntentRow & { hasObject: boolean })[];
  missing: FileRow[];
}

const THUMBNAIL = new RegExp(`^(.+)\\.thumb-(?:${THUMBNAIL_SIZES.join('|')})\\.jpg$`);

/** The report for an inventory, judging unnamed objects last modified before `now - olderThanMs`. */
export function compareStorage(
  inventory: StorageInventory,
  options: { olderThanMs: number; now: Date },
): StorageReport {
  const filePaths = new Set(inventory.files.map((file) => file.filePath));
  const intentKeys = new Set(inventory.intents.map((intent) => intent.objectKey));
  const objectKeys = new Set(inventory.objects.map((object) => object.key));
  const cutoff = options.now.getTime() - options.olderThanMs;
  const orphans: ListedObject[] = [];
  let recentUnnamed = 0;
  for (const object of inventory.objects) {
    if (filePaths.has(object.key) || intentKeys.has(object.key)) continue;
    const original = THUMBNAIL.exec(object.key)?.[1];
    if (original !== undefined && filePaths.has(original)) continue;
    if (object.lastModified.getTime() <= cutoff) orphans.push(object);
    else recentUnnamed += 1;
  }
  return {
    objectCount: inventory.objects.length,
    fileCount: inventory.files.length,
    orphans,
    recentUnnamed,
    inFlight: inventory.intents.map((intent) => ({
      ...intent,
      hasObject: objectKeys.has(intent.objectKey),
    })),
    missing: inventory.files.filter((file) => !objectKeys.has(file.filePath)),
  };
}

/** Whether the store and the rows agree: no orphan and no row without its object. */
export function isClean(report: StorageReport): boolean {
  return report.orphans.length === 0 && report.missing.length === 0;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `0`, `90s`, `15m`, `1h`, `2d` (a bare number is seconds) in milliseconds; undefined if not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNITS[match[2] ?? 's'];
}

/** The report as lines for a person (and a script: each section starts with its count). */
export function formatReport(
  report: StorageReport,
  options: { olderThan: string; fixed?: number },
): string {
  const lines = [
    `Storage check: ${report.objectCount} object(s) in the bucket, ${report.fileCount} file row(s).`,
    `Object orphans (nothing names them, older than ${options.olderThan}): ${report.orphans.length}`,
    ...report.orphans.map(
      (object) => `  ${object.key}\t${object.size} bytes\t${object.lastModified.toISOString()}`,
    ),
  ];
  if (options.fixed !== undefined) lines.push(`  deleted (--fix): ${options.fixed}`);
  if (report.recentUnnamed) {
    lines.push(
      `Unnamed objects younger than ${options.olderThan} (not judged): ${report.recentUnnamed}`,
    );
  }
  lines.push(
    `Intents in flight (uploads not recorded yet): ${report.inFlight.length}`,
    ...report.inFlight.map(
      (intent) =>
        `  ${intent.kind}\t${intent.objectKey}\tstarted ${intent.startedAt.toISOString()}` +
        `${intent.expiresAt ? `\texpires ${intent.expiresAt.toISOString()}` : ''}` +
        `\t${intent.hasObject ? 'object stored' : 'no object yet'}`,
    ),
    `Rows without an object (never deleted by this check): ${report.missing.length}`,
    ...report.missing.map((file) => `  file ${file.id}\t${file.filePath}`),
    isClean(report) ? 'Clean.' : 'NOT clean.',
  );
  return `${lines.join('\n')}\n`;
}

/** What the bucket and the files module's tables hold now. */
export async function takeInventory(
  dataSource: DataSource,
  storage: StorageService,
): Promise<StorageInventory> {
  // Rows first: an upload recorded while the bucket is listed then shows as named.
  const intents: { object_key: string; kind: string; started_at: Date; expires_at: Date | null }[] =
    await dataSource.query(
      `SELECT object_key, kind, started_at, expires_at FROM upload_intents ORDER BY started_at`,
    );
  const objects: ListedObject[] = [];
  for await (const object of storage.listObjects()) objects.push(object);
  const files: { id: string; file_path: string }[] = await dataSource.query(
    `SELECT id, file_path FROM files`,
  );
  return {
    objects,
    files: files.map((row) => ({ id: row.id, filePath: row.file_path })),
    intents: intents.map((row) => ({
      objectKey: row.object_key,
      kind: row.kind,
      startedAt: new Date(row.started_at),
      expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    })),
  };
}

/**
 * The check as the CLI runs it: the report (after deleting orphans with `fix`) and whether the
 * store was clean.
 */
export async function checkStorage(
  dataSource: DataSource,
  storage: StorageService,
  options: { olderThan: string; olderThanMs: number; fix: boolean; now?: Date },
): Promise<{ text: string; clean: boolean; report: StorageReport }> {
  const now = options.now ?? new Date();
  const report = compareStorage(await takeInventory(dataSource, storage), {
    olderThanMs: options.olderThanMs,
    now,
  });
  let fixed: number | undefined;
  if (options.fix) {
    await storage.deleteMany(report.orphans.map((object) => object.key));
    fixed = report.orphans.length;
  }
  return {
    text: formatReport(report, { olderThan: options.olderThan, fixed }),
    clean: isClean(report),
    report,
  };
}
