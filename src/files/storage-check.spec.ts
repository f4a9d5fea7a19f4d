import { compareStorage, formatReport, isClean, parseDuration } from './storage-check';

const now = new Date('2026-12-04T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
const object = (key: string, lastModified = hoursAgo(2)) => ({ key, size: 10, lastModified });
const HOUR = 3_600_000;

describe('compareStorage', () => {
  const filePath = 'applications/a/root/f1.pdf';

  it('is clean when every object is a file, its thumbnail or an intent, and every file has its object', () => {
    const report = compareStorage(
      {
        objects: [
          object(filePath),
          object(`${filePath}.thumb-256.jpg`),
          object('user-uploads/u/in-flight.png'),
        ],
        files: [{ id: 'f1', filePath }],
        intents: [
          {
            objectKey: 'user-uploads/u/in-flight.png',
            kind: 'presigned',
            startedAt: hoursAgo(3),
            expiresAt: hoursAgo(2),
          },
          {
            objectKey: 'user-uploads/u/parts.bin',
            kind: 'multipart',
            startedAt: hoursAgo(1),
            expiresAt: null,
          },
        ],
      },
      { olderThanMs: HOUR, now },
    );
    expect(report.orphans).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.inFlight.map((intent) => [intent.objectKey, intent.hasObject])).toEqual([
      ['user-uploads/u/in-flight.png', true],
      ['user-uploads/u/parts.bin', false],
    ]);
    expect(isClean(report)).toBe(true);
  });

  it('reports unnamed objects and thumbnails whose original has no row as orphans, rows without their object as missing', () => {
    const report = compareStorage(
      {
        objects: [
          object('user-uploads/u/lost.pdf'),
          object('gone.pdf.thumb-128.jpg'),
          object('x.thumb-99.jpg'),
        ],
        files: [{ id: 'f1', filePath }],
        intents: [],
      },
      { olderThanMs: HOUR, now },
    );
    expect(report.orphans.map((o) => o.key)).toEqual([
      'user-uploads/u/lost.pdf',
      'gone.pdf.thumb-128.jpg',
      'x.thumb-99.jpg',
    ]);
    expect(report.missing).toEqual([{ id: 'f1', filePath }]);
    expect(isClean(report)).toBe(false);
  });

  it('does not judge unnamed objects younger than the threshold; a threshold of 0 judges them all', () => {
    const inventory = { objects: [object('young.pdf', hoursAgo(0.5))], files: [], intents: [] };
    const lenient = compareStorage(inventory, { olderThanMs: HOUR, now });
    expect(lenient.orphans).toEqual([]);
    expect(lenient.recentUnnamed).toBe(1);
    expect(isClean(lenient)).toBe(true);
    const strict = compareStorage(inventory, { olderThanMs: 0, now });
    expect(strict.orphans.map((o) => o.key)).toEqual(['young.pdf']);
  });

  it('formats the three sections separately, with their counts', () => {
    const report = compareStorage(
      {
        objects: [object('orphan.pdf')],
        files: [{ id: 'f9', filePath: 'no-object.pdf' }],
        intents: [{ objectKey: 'k.png', kind: 'direct', startedAt: hoursAgo(1), expiresAt: null }],
      },
      { olderThanMs: 0, now },
    );
    const text = formatReport(report, { olderThan: '0', fixed: 1 });
    expect(text).toMatch(
      /Object orphans \(nothing names them, older than 0\): 1\n {2}orphan\.pdf\t10 bytes/,
    );
    expect(text).toMatch(/deleted \(--fix\): 1/);
    expect(text).toMatch(/Intents in flight \(uploads not recorded yet\): 1\n {2}direct\tk\.png/);
    expect(text).toMatch(
      /Rows without an object \(never deleted by this check\): 1\n {2}file f9\tno-object\.pdf/,
    );
    expect(text).toMatch(/NOT clean\.\n$/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['90', 90_000],
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', HOUR],
    ['2d', 48 * HOUR],
    ['250ms', 250],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '-1h', '1w', 'h', '1.5h'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
