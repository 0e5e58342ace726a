import type { RedisClient } from '../../platform/redis-connection.js';
import { type Report, relatedCount } from '../report.js';
import type { IncidentStanding } from '../sinks/notice.js';

/** `mute` (the default): a report that repeats its incident's conclusion is not sent; `send`: every report is. */
export const NOTIFY_REPEATS = ['mute', 'send'] as const;
export type NotifyRepeats = (typeof NOTIFY_REPEATS)[number];

/**
 * Per sink, in one call: `send` (the first report of this conclusion in its incident, or the one
 * that already holds it, retried), or `muted` with the investigation that was sent. A field per sink
 * and conclusion holds the investigation sent for it (at most the root-cause types per sink: bounded);
 * `alarms` the most alarms of the incident seen so far. HSETNX makes two replicas' reports of one
 * conclusion race for one field: one sends, the other is muted. The key lives TTL past its last use.
 */
const CLAIM_SCRIPT = `
local key, id, conclusion, ttl, position = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local alarms = math.max(tonumber(redis.call('HGET', key, 'alarms') or '0'), position)
redis.call('HSET', key, 'alarms', alarms)
local answers = { alarms }
for i = 5, #ARGV do
  local field = ARGV[i] .. '|' .. conclusion
  redis.call('HSETNX', key, field, id)
  table.insert(answers, redis.call('HGET', key, field))
end
redis.call('EXPIRE', key, ttl)
return answers
`;

/** Gives a conclusion back when its report could not be delivered, so that a later one of it is sent instead. */
const RELEASE_SCRIPT = `
local key, id, conclusion = KEYS[1], ARGV[1], ARGV[2]
for i = 3, #ARGV do
  local field = ARGV[i] .. '|' .. conclusion
  if redis.call('HGET', key, field) == id then redis.call('HDEL', key, field) end
end
return 0
`;

const CLAIM_COMMAND = 'promptrcaClaimIncidentConclusion';
const RELEASE_COMMAND = 'promptrcaReleaseIncidentConclusion';
type ScriptedClient = {
  [CLAIM_COMMAND](...args: Array<string | number>): Promise<Array<string | number>>;
  [RELEASE_COMMAND](...args: Array<string | number>): Promise<number>;
};

/** Ten minutes: investigations take up to a few, and notify may lag behind a storm. */
const MARGIN_SECONDS = 600;

/** What the gate decided for one sink. */
export type RepeatDecision = { sink: string; send: true } | { sink: string; send: false; sentAs: string };

/** The conclusion a repeat is recognised by: root-cause type and status; null for a report never muted. */
function conclusionOf(report: Report): string | null {
  if (report.status === 'failed' || !report.related) return null;
  return `${report.root_cause?.type ?? 'none'} (${report.status})`;
}

export interface IncidentRepeatsOptions {
  redis: RedisClient;
  keyPrefix: string;
  /** PROMPTRCA_RELATED_WINDOW_MINUTES: the state outlives an incident's last report by this and a margin. */
  windowMinutes: number;
}

/**
 * One notification per incident and conclusion, not one per alarm: of the reports sharing a
 * `related.incident_id`, the first of each root-cause type and status goes to each sink, the rest
 * are muted. A failed investigation, or a report without `related`, is always sent.
 */
export class IncidentRepeats {
  private readonly ttlSeconds: number;

  constructor(private readonly options: IncidentRepeatsOptions) {
    // A report is published (and notified) a while after it registered: a margin beyond the window.
    this.ttlSeconds = options.windowMinutes * 60 + MARGIN_SECONDS;
    options.redis.defineCommand(CLAIM_COMMAND, { numberOfKeys: 1, lua: CLAIM_SCRIPT });
    options.redis.defineCommand(RELEASE_COMMAND, { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  }

  key(incidentId: string): string {
    return `${this.options.keyPrefix}:promptrca:notify-incident:${incidentId}`;
  }

  /** Each sink's decision for the report, and its standing in the incident; null when it is never muted. */
  async claim(report: Report, sinkIds: readonly string[]): Promise<{ decisions: RepeatDecision[]; standing: IncidentStanding } | null> {
    const conclusion = conclusionOf(report);
    if (conclusion === null || !report.related || sinkIds.length === 0) return null;
    const { incident_id, resource } = report.related;
    const [alarms, ...holders] = await (this.options.redis as unknown as ScriptedClient)[CLAIM_COMMAND](
      this.key(incident_id),
      report.investigation_id,
      conclusion,
      this.ttlSeconds,
      relatedCount(report.related) + 1,
      ...sinkIds,
    );
    const decisions = sinkIds.map((sink, index): RepeatDecision => {
      const holder = String(holders[index]);
      return holder === report.investigation_id ? { sink, send: true } : { sink, send: false, sentAs: holder };
    });
    return { decisions, standing: { incident_id, resource, alarms: Number(alarms), conclusion } };
  }

  /** Frees the report's conclusion at these sinks (it could not be delivered there): the next report of it is sent. */
  async release(report: Report, sinkIds: readonly string[]): Promise<void> {
    const conclusion = conclusionOf(report);
    if (conclusion === null || !report.related || sinkIds.length === 0) return;
    await (this.options.redis as unknown as ScriptedClient)[RELEASE_COMMAND](
      this.key(report.related.incident_id),
      report.investigation_id,
      conclusion,
      ...sinkIds,
    );
  }
}
