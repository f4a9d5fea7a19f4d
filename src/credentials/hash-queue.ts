/**
 * How many password-hashing tasks may be in the pool at once: one running per thread, and at
 * most `queueMax` waiting. A task beyond that is refused at once (the caller answers 503
 * server-busy) rather than waiting for seconds behind a burst of logins. Pure: the hasher
 * asks `tryEnter()` before it hands a task to the pool and calls `leave()` when it settles.
 */
export class HashQueue {
  private inFlight = 0;

  constructor(
    readonly threads: number,
    readonly queueMax: number,
  ) {}

  /** Takes a place (running or waiting); false when every thread is busy and the queue full. */
  tryEnter(): boolean {
    if (this.inFlight >= this.threads + this.queueMax) return false;
    this.inFlight += 1;
    return true;
  }

  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Tasks a thread is running. */
  get running(): number {
    return Math.min(this.inFlight, this.threads);
  }

  /** Tasks waiting for a thread. */
  get waiting(): number {
    return Math.max(0, this.inFlight - this.threads);
  }
}
