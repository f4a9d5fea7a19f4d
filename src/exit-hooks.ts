/**
 * Work that must finish before the process exits on a signal, after the app and the embedded
 * services have stopped: registered by what main.ts does not import (the tracing preload flushes
 * its spans here), awaited by main.ts's shutdown before `process.exit`.
 */
const hooks: (() => Promise<void>)[] = [];

export function beforeExit(hook: () => Promise<void>): void {
  hooks.push(hook);
}

/** Runs every hook; a failing hook does not keep the others (or the exit) from happening. */
export async function runBeforeExitHooks(): Promise<void> {
  await Promise.allSettled(hooks.map((hook) => hook()));
}
