import type { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { RedisClient } from '../../platform/redis-connection.js';
import { askRedis } from '../../platform/redis-probe.js';
import type { Sink } from '../sinks/sink.js';

/**
 * `delivered` (2xx), `retried` (429, 5xx, network: tried again later), `undeliverable` (another 4xx),
 * `expired` (retention removed the report, or it grew too old, before the sink took it), `muted`
 * (not sent: it repeats a conclusion already sent to the sink for its incident).
 */
export const DELIVERY_OUTCOMES = ['delivered', 'retried', 'undeliverable', 'expired', 'muted'] as const;
export type DeliveryOutcomeLabel = (typeof DELIVERY_OUTCOMES)[number];

/** Not yet handled (waiting, active, delayed: a sink's retry) and failed; completed reports are the retention's. */
const CONSUMED_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** notify's Prometheus metrics, on a registry of its own. */
export class NotifyMetrics {
  readonly registry = new Registry();
  private readonly deliveries: Counter<'sink' | 'kind' | 'outcome'>;
  private readonly sinks: readonly Sink[];

  constructor(sources: { consumed: readonly Queue[]; redis: RedisClient; sinks: readonly Sink[] }) {
    this.sinks = sources.sinks;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.deliveries = new Counter({
      name: 'promptrca_notify_deliveries_total',
      help: 'Delivery attempts by sink (kind and a hash of its URL) and outcome',
      labelNames: ['sink', 'kind', 'outcome'],
      registers,
    });
    new Gauge({
      name: 'promptrca_notify_queue_jobs',
      help:
        'Jobs of the queues notify consumes (reports on promptrca-results, rollout changes on promptrca-notifications) by queue ' +
        'and state, counted at scrape (the same on every replica); absent while Redis does not answer',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const counts = await askRedis(sources.redis, () =>
          Promise.all(sources.consumed.map((queue) => queue.getJobCounts(...CONSUMED_STATES))),
        );
        this.reset();
        if (counts === null) return;
        for (const [index, queue] of sources.consumed.entries())
          for (const state of CONSUMED_STATES) this.set({ queue: queue.name, state }, counts[index]?.[state] ?? 0);
      },
    });
    // Present at zero from the start, so rate() and alerts see every series.
    for (const sink of sources.sinks)
      for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ sink: sink.id, kind: sink.kind, outcome }, 0);
  }

  /** Notifications the retention removed before any sink took them: expired at every sink. */
  recordExpired(count: number): void {
    for (const sink of this.sinks) this.deliveries.inc({ sink: sink.id, kind: sink.kind, outcome: 'expired' }, count);
  }

  record(sink: Sink, outcome: DeliveryOutcomeLabel): void {
    this.deliveries.inc({ sink: sink.id, kind: sink.kind, outcome });
  }
}
