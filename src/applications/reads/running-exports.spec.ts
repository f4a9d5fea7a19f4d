import { RunningExports } from './running-exports';

describe('RunningExports', () => {
  it('gives each user one slot at a time, freed by its release', () => {
    const running = new RunningExports();
    const first = running.claim('u1');
    expect(first).toEqual(expect.any(Function));
    expect(running.claim('u1')).toBeNull();
    const other = running.claim('u2');
    expect(other).toEqual(expect.any(Function));
    first?.();
    const again = running.claim('u1');
    expect(again).toEqual(expect.any(Function));
    other?.();
    again?.();
  });

  it('ignores a second release, which must not free a later claim', () => {
    const running = new RunningExports();
    const first = running.claim('u1');
    first?.();
    const second = running.claim('u1');
    first?.();
    expect(running.claim('u1')).toBeNull();
    second?.();
    expect(running.claim('u1')).not.toBeNull();
  });
});
