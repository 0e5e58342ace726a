/** What llm-sim enforces, per minute, as an OpenAI-compatible endpoint does. */
export interface SimLimitOptions {
  /** Requests per minute. @defaultValue none: no request limit */
  rpm?: number;
  /** Tokens (prompt and completion) per minute. @defaultValue none: no token limit */
  tpm?: number;
  /**
   * The period each limit is enforced over: a bucket holding `limit × window / 60`, refilled
   * continuously. Endpoints enforce per-minute limits over shorter periods too (OpenAI enforces
   * 60,000 RPM as 1,000 per second); a short window also lets a test see the limit in seconds.
   * @defaultValue 60
   */
  windowSeconds?: number;
}

/** Why a request was refused, as OpenAI's 429 says it; `retryAfterMs` null when waiting cannot help. */
export interface SimRefusal {
  type: 'requests' | 'tokens';
  message: string;
  retryAfterMs: number | null;
}

class RefillingBucket {
  private level: number;
  private updatedAt: number;

  constructor(
    readonly perMinute: number,
    windowSeconds: number,
    now: number,
    // At least one unit: a bucket that cannot hold one request would refuse every request.
    private readonly capacity = Math.max(1, (perMinute * windowSeconds) / 60),
  ) {
    this.level = capacity;
    this.updatedAt = now;
  }

  /** Refills up to now; then the ms until `cost` units are there (0: now), or null when they never fit. */
  shortfallMs(cost: number, now: number): number | null {
    this.level = Math.min(this.capacity, this.level + ((now - this.updatedAt) * this.perMinute) / 60_000);
    this.updatedAt = now;
    if (cost > this.capacity) return null;
    return cost <= this.level ? 0 : Math.ceil(((cost - this.level) * 60_000) / this.perMinute);
  }

  take(cost: number): void {
    this.level -= cost;
  }
}

/** The limits of one llm-sim: a request is admitted, taking from every bucket, or refused taking nothing. */
export class SimRateLimits {
  private readonly requests: RefillingBucket | null;
  private readonly tokens: RefillingBucket | null;

  constructor(options: SimLimitOptions, now = Date.now()) {
    const window = options.windowSeconds ?? 60;
    this.requests = options.rpm ? new RefillingBucket(options.rpm, window, now) : null;
    this.tokens = options.tpm ? new RefillingBucket(options.tpm, window, now) : null;
  }

  /** Admits a request of `tokens` tokens, or says why not. */
  admit(tokens: number, now = Date.now()): SimRefusal | null {
    const refusals = [refusal('requests', 'RPM', this.requests, 1, now), refusal('tokens', 'TPM', this.tokens, tokens, now)].filter(
      (found) => found !== null,
    );
    // A request too large is said first (waiting cannot help), else the longer wait.
    const worst = refusals.sort((a, b) => (b.retryAfterMs ?? Number.POSITIVE_INFINITY) - (a.retryAfterMs ?? Number.POSITIVE_INFINITY))[0];
    if (worst) return worst;
    this.requests?.take(1);
    this.tokens?.take(tokens);
    return null;
  }
}

function refusal(type: SimRefusal['type'], unit: string, bucket: RefillingBucket | null, cost: number, now: number): SimRefusal | null {
  if (!bucket) return null;
  const shortfall = bucket.shortfallMs(cost, now);
  if (shortfall === 0) return null;
  const limit = `Limit ${bucket.perMinute}, Requested ${cost}`;
  if (shortfall === null) {
    return { type, message: `Request too large for llm-sim on ${type} per min (${unit}): ${limit}.`, retryAfterMs: null };
  }
  return {
    type,
    message: `Rate limit reached for llm-sim on ${type} per min (${unit}): ${limit}. Please try again in ${shortfall}ms.`,
    retryAfterMs: shortfall,
  };
}
