import type { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { queueJobsGauge } from '../../platform/queue-jobs-gauge.js';
import type { RedisClient } from '../../platform/redis-connection.js';
import type { Sink } from '../sinks/sink.js';

/**
 * `delivered` (2xx), `retried` (429, 5xx, network: tried again later), `undeliverable` (another 4xx),
 * `expired` (retention removed the report, or it grew too old, before the sink took it), `muted`
 * (not sent: it repeats a conclusion already sent to the sink for its incident).
 */
export const DELIVERY_OUTCOMES = ['delivered', 'retried', 'undeliverable', 'expired', 'muted'] as const;
export type DeliveryOutcomeLabel = (typeof DELIVERY_OUTCOMES)[number];

const NOTIFICATION_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** notify's Prometheus metrics, on a registry of its own. */
export class NotifyMetrics {
  readonly registry = new Registry();
  private readonly deliveries: Counter<'sink' | 'kind' | 'outcome'>;
  private readonly sinks: readonly Sink[];

  constructor(sources: { notifications: Queue; redis: RedisClient; sinks: readonly Sink[] }) {
    this.sinks = sources.sinks;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.deliveries = new Counter({
      name: 'promptrca_notify_deliveries_total',
      help: 'Delivery attempts by sink (kind and a hash of its URL) and outcome',
      labelNames: ['sink', 'kind', 'outcome'],
      registers,
    });
    queueJobsGauge({
      name: 'promptrca_notify_queue_jobs',
      help: 'Notifications by state, counted at scrape (the same on every replica); absent while Redis does not answer',
      registry: this.registry,
      queue: sources.notifications,
      redis: sources.redis,
      states: NOTIFICATION_STATES,
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
