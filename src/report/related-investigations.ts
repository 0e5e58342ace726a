import type { RedisClient } from '../platform/redis-connection.js';
import { primaryResource, type Related, type Report } from './report.js';

/** Related investigations a report lists by name; the rest are counted in `more`. */
export const MAX_RELATED_LISTED = 20;
/** Most investigations one resource's index holds within the window (the oldest leave first). */
const MAX_INDEXED = 1_000;

/**
 * One resource's index: a sorted set of investigation IDs by registration time, and a hash of what
 * a report lists of each (alarm, start, incident). Atomic, so that of two reports built at once the
 * second always sees the first. Trims what left the window, caps the size, refreshes both keys' TTL
 * (the window), registers the investigation unless a retry already did, and answers its incident
 * and those registered before it (the first MAX listed, the earliest first).
 * The incident is that of the earliest investigation still in the window, so a storm longer than
 * the window stays one incident as long as no gap of a whole window opens in it.
 */
const REGISTER_SCRIPT = `
local index, details = KEYS[1], KEYS[2]
local now, from, ttl, id, max, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[6]), tonumber(ARGV[7])
local stale = redis.call('ZRANGEBYSCORE', index, '-inf', '(' .. from, 'LIMIT', 0, 1000)
local over = redis.call('ZCARD', index) - #stale - cap + 1
if over > 0 then
  for _, old in ipairs(redis.call('ZRANGE', index, #stale, #stale + over - 1)) do table.insert(stale, old) end
end
if #stale > 0 then
  redis.call('ZREM', index, unpack(stale))
  redis.call('HDEL', details, unpack(stale))
end
local own = redis.call('HGET', details, id)
if not own then
  local first = redis.call('ZRANGE', index, 0, 0)[1]
  local incident = id
  if first then incident = cjson.decode(redis.call('HGET', details, first)).incident end
  local entry = cjson.decode(ARGV[5])
  entry.incident = incident
  own = cjson.encode(entry)
  -- Strictly after the last one, so that the rank is the order of registration even within a millisecond.
  local last = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')[2]
  if last and tonumber(last) >= now then now = tonumber(last) + 0.001 end
  redis.call('ZADD', index, now, id)
  redis.call('HSET', details, id, own)
end
redis.call('EXPIRE', index, ttl)
redis.call('EXPIRE', details, ttl)
local earlier = redis.call('ZRANK', index, id)
local listed = {}
if earlier > 0 then
  local ids = redis.call('ZRANGE', index, 0, math.min(earlier, max) - 1)
  listed = redis.call('HMGET', details, unpack(ids))
end
return { own, earlier, listed }
`;

/** Sent by its SHA once Redis knows it (ioredis falls back to the script's text): one short round trip per report. */
const REGISTER_COMMAND = 'promptrcaRegisterRelated';
type RegisteringClient = { [REGISTER_COMMAND](...args: Array<string | number>): Promise<[string, number, Array<string | null>]> };

interface Entry {
  investigation_id: string;
  alarm_name: string | null;
  started_at: string;
  incident: string;
}

export interface RelatedInvestigationsOptions {
  redis: RedisClient;
  keyPrefix: string;
  /** How long after a resource's last investigation its next one still belongs to the same incident. @defaultValue 30 (PROMPTRCA_RELATED_WINDOW_MINUTES) */
  windowMinutes: number;
  /** The account of alarms that name none: the fleet's (AWS_ACCOUNT_ID). @defaultValue 'default' */
  account?: string;
  /** The clock, in milliseconds since the epoch. @defaultValue Date.now */
  now?: () => number;
}

/**
 * Reports of the same resource (account, region, type and name) within a window name each other,
 * so that a storm's fifteen alarms of one function read as one incident. Each report names the
 * investigations registered before it (a report is published once and never rewritten); the later
 * ones name it in turn, and `results` and `compare` group by the incident they share.
 */
export class RelatedInvestigations {
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RelatedInvestigationsOptions) {
    this.windowMs = options.windowMinutes * 60_000;
    this.now = options.now ?? Date.now;
    options.redis.defineCommand(REGISTER_COMMAND, { numberOfKeys: 2, lua: REGISTER_SCRIPT });
  }

  /** Registers the report's investigation under its resource; its `related`, or undefined without a resource. */
  async register(report: Report): Promise<Related | undefined> {
    const resource = primaryResource(report);
    if (!resource) return undefined;
    const account = report.alarm?.account ?? this.options.account ?? 'default';
    const region = resource.region ?? report.alarm?.region ?? 'unknown';
    const index = `${this.options.keyPrefix}:related:{${account}:${region}:${resource.type}:${resource.name}}`;
    const now = this.now();
    const entry = { investigation_id: report.investigation_id, alarm_name: report.alarm?.name ?? null, started_at: report.started_at };
    const [own, earlier, listed] = await (this.options.redis as unknown as RegisteringClient)[REGISTER_COMMAND](
      index,
      `${index}:details`,
      now,
      now - this.windowMs,
      Math.ceil(this.windowMs / 1000),
      report.investigation_id,
      JSON.stringify(entry),
      MAX_RELATED_LISTED,
      MAX_INDEXED,
    );
    const investigations = listed
      .filter((text): text is string => text !== null)
      .map((text) => {
        const { incident: _incident, ...named } = JSON.parse(text) as Entry;
        return named;
      });
    return {
      resource: `${resource.type} ${resource.name} (${region}, ${account})`,
      incident_id: (JSON.parse(own) as Entry).incident,
      investigations,
      more: earlier - investigations.length,
    };
  }
}
