import { contentRange, parseByteRange } from './byte-range';

describe('parseByteRange', () => {
  const size = 1000;

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=100-', 100, 999],
    ['bytes=990-2000', 990, 999],
    ['bytes=-10', 990, 999],
    ['bytes=-5000', 0, 999],
    ['bytes=999-999', 999, 999],
    ['BYTES = 5 - 9', 5, 9],
  ])('%s is the part %i-%i', (header, start, end) => {
    expect(parseByteRange(header, size)).toEqual({ kind: 'partial', start, end });
  });

  it.each([
    [undefined],
    ['bytes=0-1,5-9'],
    ['items=0-9'],
    ['bytes=abc'],
    ['bytes=9-5'],
    ['bytes=-'],
    ['bytes=1-2-3'],
    ['bytes=0x10-'],
    ['bytes=99999999999999999999-'],
    [''],
  ])('%p is ignored: the whole file', (header) => {
    expect(parseByteRange(header, size)).toEqual({ kind: 'whole' });
  });

  it.each([['bytes=1000-'], ['bytes=5000-6000'], ['bytes=-0']])('%s is unsatisfiable', (header) => {
    expect(parseByteRange(header, size)).toEqual({ kind: 'unsatisfiable' });
  });

  it('nothing of an empty file can be asked for', () => {
    expect(parseByteRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('writes Content-Range for a part and for a refusal', () => {
    expect(contentRange({ kind: 'partial', start: 0, end: 99 }, size)).toBe('bytes 0-99/1000');
    expect(contentRange({ kind: 'unsatisfiable' }, size)).toBe('bytes */1000');
  });
});
