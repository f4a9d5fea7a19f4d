import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ValidationProblem } from '../common/http/problem';
import { readHead } from './direct-upload';
import { HashingCounter, targetFromForm, uploadLimits } from './upload-form';

const APP = '6f1c1c2e-8a55-4c1e-9d2b-0a7f1c2d3e4f';
const FOLDER = '0b6f7c1e-5d0a-4c41-9a77-2f1f3c0c1a10';

function refusal(run: () => unknown): ValidationProblem {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationProblem) return error;
    throw error;
  }
  throw new Error('expected a 422');
}

describe('targetFromForm', () => {
  it('takes the query alone, or form fields alone', () => {
    expect(targetFromForm({ application_id: APP }, [])).toEqual({ application_id: APP });
    expect(
      targetFromForm({}, [
        ['folder_id', FOLDER],
        ['document_type', 'land_title'],
      ]),
    ).toEqual({ folder_id: FOLDER, document_type: 'land_title' });
  });

  it('merges both; a field may repeat the query (ids ignoring case); blanks are "not given"', () => {
    expect(
      targetFromForm({ application_id: APP, document_type: null }, [
        ['application_id', APP.toUpperCase()],
        ['folder_id', ` ${FOLDER} `],
        ['document_type', '  '],
      ]),
    ).toEqual({ application_id: APP, folder_id: FOLDER });
  });

  it.each([
    ['an unknown field', {}, [['owner', 'me']], ['form', 'owner'], 'unknown_field'],
    [
      'a field given twice',
      {},
      [
        ['folder_id', FOLDER],
        ['folder_id', FOLDER],
      ],
      ['form', 'folder_id'],
      'value_error',
    ],
    ['a malformed id', {}, [['application_id', '42']], ['form', 'application_id'], 'isUuid'],
    [
      'a field disagreeing with the query',
      { application_id: APP },
      [['application_id', FOLDER]],
      ['form', 'application_id'],
      'conflict',
    ],
    [
      'a document type disagreeing with the query',
      { document_type: 'passport' },
      [['document_type', 'land_title']],
      ['form', 'document_type'],
      'conflict',
    ],
  ] as const)('refuses %s (422)', (_what, query, fields, loc, type) => {
    const problem = refusal(() => targetFromForm(query, fields as unknown as [string, string][]));
    expect(problem.getStatus()).toBe(422);
    expect(problem.problem.errors).toEqual([expect.objectContaining({ loc, type })]);
  });
});

describe('uploadLimits', () => {
  it('lets a file of exactly the maximum through (busboy reports the limit when it is reached)', () => {
    expect(uploadLimits(1000)).toMatchObject({ fileSize: 1001, files: 1, fields: 3 });
  });
});

describe('HashingCounter', () => {
  it('passes the bytes through unchanged, counting and hashing them', async () => {
    const data = Buffer.from('a'.repeat(100_000));
    const counter = new HashingCounter();
    const out: Buffer[] = [];
    counter.on('data', (chunk: Buffer) => out.push(chunk));
    await pipeline(Readable.from([data.subarray(0, 40_000), data.subarray(40_000)]), counter);
    expect(Buffer.concat(out).equals(data)).toBe(true);
    expect(counter.bytes).toBe(data.length);
    expect(counter.digest()).toBe(createHash('sha256').update(data).digest('hex'));
  });
});

describe('readHead', () => {
  const chunks = (...sizes: number[]) => sizes.map((size, index) => Buffer.alloc(size, index + 1));

  it('reads at least the asked bytes and leaves the rest in the stream', async () => {
    const stream = Readable.from(chunks(10, 10, 10), { objectMode: false });
    const { head, ended } = await readHead(stream, 15);
    expect(ended).toBe(false);
    expect(head.length).toBeGreaterThanOrEqual(15);
    const rest: Buffer[] = [];
    for await (const chunk of stream) rest.push(chunk as Buffer);
    expect(Buffer.concat([head, ...rest])).toEqual(Buffer.concat(chunks(10, 10, 10)));
  });

  it('says when the stream ended first (a small file), and reads an empty one', async () => {
    expect(await readHead(Readable.from(chunks(5)), 64)).toEqual({
      head: Buffer.alloc(5, 1),
      ended: true,
    });
    expect(await readHead(Readable.from([]), 64)).toEqual({ head: Buffer.alloc(0), ended: true });
  });

  it('fails when the stream breaks, or was destroyed already', async () => {
    const broken = new Readable({ read() {} });
    const reading = readHead(broken, 64);
    broken.destroy(new Error('cut'));
    await expect(reading).rejects.toThrow('cut');
    await expect(readHead(broken, 64)).rejects.toThrow(/destroyed/);
  });
});
