/** Exponential backoff: `initialMs`, doubling each attempt up to `maxMs`. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /**
   * Up to this share of each wait is taken off at random, so that replicas backing off together
   * spread out. @defaultValue 0
   */
  jitter?: number;
}

/** The wait before retry number `attempt` (0 for the first retry). */
export function backoffDelayMs(attempt: number, { initialMs, maxMs, jitter = 0 }: BackoffOptions, random = Math.random): number {
  return Math.min(initialMs * 2 ** attempt, maxMs) * (1 - random() * jitter);
}

/** Successive waits of one loop (a bridge waiting for Redis or SQS), started over by `reset` after a success. */
export class RetryBackoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  next(): number {
    return backoffDelayMs(this.attempt++, this.options);
  }

  reset(): void {
    this.attempt = 0;
  }
}
