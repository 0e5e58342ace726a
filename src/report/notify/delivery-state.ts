import type { RedisClient } from '../../platform/redis-connection.js';

/**
 * What became of one notification at one sink: `delivered` (a 2xx), `undeliverable: <why>` (a
 * permanent refusal, or retention ran out first), or `muted: <why>` (it repeats a conclusion of its
 * incident already sent there). A sink with no state has not taken it yet.
 */
export type SinkState = 'delivered' | `undeliverable: ${string}` | `muted: ${string}`;

/**
 * Per-sink delivery state of each notification, in Redis so that it survives a `kill -9` of notify
 * and is shared by its replicas: one hash per notification, one field per sink. A sink with a state
 * is never sent that notification again, whatever another sink's retries do. The one window for a
 * duplicate is between a receiver's 2xx and the HSET that records it (a crash there); the
 * Idempotency-Key lets the receiver drop it.
 */
export class DeliveryState {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** Kept as long as the reports are (the retention's age): a state outliving its report is useless. */
    private readonly ttlSeconds: number,
  ) {}

  key(notificationId: string): string {
    return `${this.prefix}:promptrca:notify:${notificationId}`;
  }

  async states(notificationId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.key(notificationId));
  }

  async record(notificationId: string, sinkId: string, state: SinkState): Promise<void> {
    const key = this.key(notificationId);
    await this.redis.hset(key, sinkId, state);
    await this.redis.expire(key, this.ttlSeconds);
  }
}
