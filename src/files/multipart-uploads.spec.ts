import { choosePartSize, MIN_PART_SIZE, partListProblems } from './multipart-uploads';

const MIB = 1024 * 1024;

describe('choosePartSize', () => {
  it('uses 5 MiB parts while they make at most 10,000 parts', () => {
    expect(choosePartSize(1)).toEqual({ partSize: MIN_PART_SIZE, partCount: 1 });
    expect(choosePartSize(10 * MIB + 100)).toEqual({ partSize: 5 * MIB, partCount: 3 });
    expect(choosePartSize(10_000 * 5 * MIB)).toEqual({ partSize: 5 * MIB, partCount: 10_000 });
  });

  it('grows the part (whole MiB) so that a large file still takes at most 10,000 parts', () => {
    const size = 5 * 1024 * 1024 * MIB; // 5 TiB
    const { partSize, partCount } = choosePartSize(size);
    expect(partSize % MIB).toBe(0);
    expect(partCount).toBeLessThanOrEqual(10_000);
    expect(partSize).toBe(525 * MIB);
    expect(choosePartSize(10_000 * 5 * MIB + 1).partSize).toBe(6 * MIB);
  });
});

describe('partListProblems', () => {
  it('accepts every part once, in any order', () => {
    expect(partListProblems([2, 1, 3], 3)).toEqual([]);
  });

  it('names missing, repeated and out-of-range parts', () => {
    expect(partListProblems([1, 3], 3)).toEqual(['part 2 missing']);
    expect(partListProblems([1, 1, 2], 2)).toEqual(['part 1 is named twice']);
    expect(partListProblems([1, 2, 4], 2)).toEqual(['part 4 is beyond the last part (2)']);
    expect(partListProblems([1], 3)).toEqual(['parts 2, 3 missing']);
  });
});
