import { parseOption } from '../platform/config.js';
import { ConfigError } from '../platform/errors.js';
import type { RedisClient } from '../platform/redis-connection.js';
import { InvalidStoredRolloutError, RolloutChangeConflictError } from './errors.js';
import { AUDIT_LENGTH, type AuditEntry, auditKey } from './rollout-audit.js';

/**
 * The live rollout as `promptrca rollout set` stores it: each value that was set, nothing for one
 * that never was (the environment then decides it). FORCE is never stored: it stays per process.
 */
export interface StoredRollout {
  enabled?: boolean;
  percentage?: number;
}

export type RolloutChange = StoredRollout;

/** A Redis hash beside the queues, under the same prefix, so a `{hash tag}` prefix keeps one slot. */
export function rolloutKey(prefix: string): string {
  return `${prefix}:promptrca:rollout`;
}

/** The hash's fields as read from Redis; fields other than enabled and percentage are ignored. */
export function parseStoredRollout(key: string, hash: Record<string, string>): StoredRollout {
  const stored: StoredRollout = {};
  try {
    if (hash.enabled !== undefined) stored.enabled = parseOption('PROMPTRCA_USE_DIRECT_ORCHESTRATION', `${key} enabled`, hash.enabled);
    if (hash.percentage !== undefined)
      stored.percentage = parseOption('PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE', `${key} percentage`, hash.percentage);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new InvalidStoredRolloutError(error.variable, error.value, error.allowed);
  }
  return stored;
}

export async function readStoredRollout(redis: RedisClient, prefix: string): Promise<StoredRollout> {
  const key = rolloutKey(prefix);
  return parseStoredRollout(key, await redis.hgetall(key));
}

const CHANGE_TRIES = 5;

/**
 * Stores the change and its audit entry in one transaction. WATCH makes the old → new of the audit
 * exact: if another change lands between the read and the write, the transaction is retried.
 * The old state is read leniently (garbage in it is exactly what an operator overwrites).
 */
export async function applyRolloutChange(
  redis: RedisClient,
  prefix: string,
  change: RolloutChange,
  by: { who: string; reason: string | null; at?: Date },
): Promise<AuditEntry> {
  const key = rolloutKey(prefix);
  for (let attempt = 0; attempt < CHANGE_TRIES; attempt++) {
    await redis.watch(key);
    const before = await redis.hgetall(key);
    const old: Record<string, string | null> = { enabled: before.enabled ?? null, percentage: before.percentage ?? null };
    const fields: Record<string, string> = {};
    if (change.enabled !== undefined) fields.enabled = String(change.enabled);
    if (change.percentage !== undefined) fields.percentage = String(change.percentage);
    const entry: AuditEntry = {
      at: (by.at ?? new Date()).toISOString(),
      who: by.who,
      reason: by.reason,
      changes: Object.entries(fields).map(([field, value]) => ({
        field: field as 'enabled' | 'percentage',
        old: old[field] ?? null,
        new: value,
      })),
    };
    const audit = auditKey(prefix);
    const done = await redis
      .multi()
      .hset(key, fields)
      .lpush(audit, JSON.stringify(entry))
      .ltrim(audit, 0, AUDIT_LENGTH - 1)
      .exec();
    if (done !== null) return entry;
  }
  throw new RolloutChangeConflictError(`the rollout state kept changing under this command (${CHANGE_TRIES} tries): run it again`);
}
