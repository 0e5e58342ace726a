import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { CONTROL_CHARACTERS, loadConfig } from '../platform/config.js';
import { InputError } from '../platform/errors.js';
import type { RedisClient } from '../platform/redis-connection.js';

/** Changes kept; older ones are trimmed off the list. */
export const AUDIT_LENGTH = 1_000;

export const AuditEntrySchema = z.object({
  at: z.string(),
  /** `user@host` of the operator, PROMPTRCA_OPERATOR when set, or the guard's. */
  who: z.string(),
  reason: z.string().nullable(),
  /** Each field set, with its stored value before (null: never stored) and after. */
  changes: z.array(z.object({ field: z.enum(['enabled', 'percentage']), old: z.string().nullable(), new: z.string() })),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** A list, newest first, beside the rollout state. */
export function auditKey(prefix: string): string {
  return `${prefix}:promptrca:rollout:audit`;
}

/** `--reason` as the audit keeps it: refused (exit 2) when it holds a control character, which could forge an audit line. */
export function auditReason(reason: string | undefined): string | null {
  if (reason === undefined) return null;
  if (CONTROL_CHARACTERS.test(reason)) {
    throw new InputError(
      `--reason ${JSON.stringify(reason)} is not valid: allowed text without control characters (no newline, tab or terminal escape)`,
    );
  }
  return reason;
}

/** Who is changing the rollout, for the audit: PROMPTRCA_OPERATOR, else `user@host`. */
export function operatorName(env: NodeJS.ProcessEnv): string {
  const named = loadConfig(env).PROMPTRCA_OPERATOR;
  if (named) return named;
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container running under an arbitrary uid).
    user = `uid ${process.getuid?.() ?? 'unknown'}`;
  }
  return `${user}@${hostname()}`;
}

/** The newest `count` changes; an entry that is not one of ours is shown as unreadable, not dropped. */
export async function readAudit(redis: RedisClient, prefix: string, count: number): Promise<Array<AuditEntry | { unreadable: string }>> {
  const raw = await redis.lrange(auditKey(prefix), 0, count - 1);
  return raw.map((text) => {
    try {
      const parsed = AuditEntrySchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : { unreadable: text };
    } catch {
      return { unreadable: text };
    }
  });
}

export function formatAuditEntry(entry: AuditEntry): string {
  const changes = entry.changes.map((change) => `${change.field} ${change.old ?? '(unset)'} → ${change.new}`).join(', ');
  return `${entry.at}  ${changes}  by ${entry.who}${entry.reason ? `: ${entry.reason}` : ''}`;
}
