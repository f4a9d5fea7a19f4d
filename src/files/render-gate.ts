/**
 * At most `concurrency` tasks at once (thumbnail renders: sharp decodes whole images in memory);
 * a task that cannot start within `waitMs` is refused with RenderGateBusy instead of queueing
 * without bound. Slots go to the waiters in arrival order. Per process: each instance has its own.
 */

export interface RenderLimits {
  concurrency: number;
  waitMs: number;
}

/** The limits of issue 11: two renders at once, a waiting one gives up after 10 s. */
export const DEFAULT_RENDER_LIMITS: RenderLimits = { concurrency: 2, waitMs: 10_000 };

export class RenderGateBusy extends Error {
  constructor(readonly waitedMs: number) {
    super(`No render slot became free within ${waitedMs} ms`);
  }
}

interface Waiter {
  admit(): void;
  timer: NodeJS.Timeout;
}

export class RenderGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private limits: RenderLimits = DEFAULT_RENDER_LIMITS) {}

  /** Changes the limits for the tasks that start from now on (tests use small ones). */
  setLimits(limits: RenderLimits): void {
    this.limits = limits;
  }

  /** How many tasks run and wait now (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Runs `task` when a slot is free; rejects with RenderGateBusy when none frees in time. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.limits.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    const waitMs = this.limits.waitMs;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(new RenderGateBusy(waitMs));
        }, waitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next && this.running <= this.limits.concurrency) {
      // The slot passes straight to the next waiter: `running` stays as it is.
      clearTimeout(next.timer);
      next.admit();
      return;
    }
    if (next) this.waiting.unshift(next);
    this.running -= 1;
  }
}
