import { RenderGate, RenderGateBusy } from './render-gate';

/** A task that runs until `finish()` is called. */
function heldTask() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const started = jest.fn();
  return {
    task: async () => {
      started();
      await done;
      return 'rendered';
    },
    started,
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RenderGate', () => {
  afterEach(() => jest.useRealTimers());

  it('runs at most `concurrency` tasks at once and starts the next when one ends', async () => {
    const gate = new RenderGate({ concurrency: 2, waitMs: 10_000 });
    const [a, b, c] = [heldTask(), heldTask(), heldTask()];
    const results = [gate.run(a.task), gate.run(b.task), gate.run(c.task)];
    await tick();
    expect([a.started, b.started, c.started].map((f) => f.mock.calls.length)).toEqual([1, 1, 0]);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
    a.finish();
    await tick();
    expect(c.started).toHaveBeenCalled();
    b.finish();
    c.finish();
    await expect(Promise.all(results)).resolves.toEqual(['rendered', 'rendered', 'rendered']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a task that waited longer than waitMs, and it never runs', async () => {
    jest.useFakeTimers();
    const gate = new RenderGate({ concurrency: 1, waitMs: 10_000 });
    const first = heldTask();
    const second = heldTask();
    const running = gate.run(first.task);
    const waiting = gate.run(second.task);
    jest.advanceTimersByTime(9_999);
    expect(gate.load.waiting).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(waiting).rejects.toBeInstanceOf(RenderGateBusy);
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
    first.finish();
    await expect(running).resolves.toBe('rendered');
    expect(second.started).not.toHaveBeenCalled();
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a task fails', async () => {
    const gate = new RenderGate({ concurrency: 1, waitMs: 1000 });
    await expect(gate.run(() => Promise.reject(new Error('bad image')))).rejects.toThrow(
      'bad image',
    );
    await expect(gate.run(() => Promise.resolve(1))).resolves.toBe(1);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('serves waiters in arrival order', async () => {
    const gate = new RenderGate({ concurrency: 1, waitMs: 10_000 });
    const order: number[] = [];
    const first = heldTask();
    const all = [
      gate.run(first.task),
      ...[1, 2, 3].map((n) => gate.run(() => Promise.resolve(order.push(n)))),
    ];
    first.finish();
    await Promise.all(all);
    expect(order).toEqual([1, 2, 3]);
  });

  it('lowered limits apply to the tasks that start afterwards', async () => {
    const gate = new RenderGate({ concurrency: 2, waitMs: 10_000 });
    const [a, b] = [heldTask(), heldTask()];
    const running = [gate.run(a.task), gate.run(b.task)];
    gate.setLimits({ concurrency: 1, waitMs: 10_000 });
    const c = heldTask();
    const third = gate.run(c.task);
    a.finish();
    await tick();
    // Two were running under the old limit: one ending leaves one running, the new maximum.
    expect(c.started).not.toHaveBeenCalled();
    b.finish();
    await tick();
    expect(c.started).toHaveBeenCalled();
    c.finish();
    await Promise.all([...running, third]);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });
});
