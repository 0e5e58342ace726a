import { AsyncLocalStorage } from 'node:async_hooks';

const deadlines = new AsyncLocalStorage<number>();

/**
 * Runs `send` with a deadline (epoch ms) that the middleware of the clients it calls can read: a
 * call waiting for its turn under a rate limit, or for another worker's fetch of the same fact,
 * waits no longer than its caller will.
 */
export function withCallDeadline<T>(deadline: number, send: () => Promise<T>): Promise<T> {
  return deadlines.run(deadline, send);
}

/** Milliseconds left to the deadline of the call being sent; `fallbackMs` outside any. */
export function msToCallDeadline(fallbackMs: number): number {
  const deadline = deadlines.getStore();
  return deadline === undefined ? fallbackMs : Math.max(0, deadline - Date.now());
}

const investigationDeadlines = new AsyncLocalStorage<number>();

/**
 * Runs one attempt of an investigation with a deadline (epoch ms) until which its reads that fail
 * for a reason time cures are tried again. Outside any (a test, a library caller) each read is tried once.
 */
export function withInvestigationDeadline<T>(deadline: number, run: () => Promise<T>): Promise<T> {
  return investigationDeadlines.run(deadline, run);
}

export function investigationDeadline(): number | undefined {
  return investigationDeadlines.getStore();
}
