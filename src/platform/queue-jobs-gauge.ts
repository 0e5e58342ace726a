import type { JobType, Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import type { RedisClient } from './redis-connection.js';
import { askRedis } from './redis-probe.js';

export interface QueueJobsGaugeOptions {
  name: string;
  help: string;
  registry: Registry;
  queue: Queue;
  /** The connection the queue uses, to skip counting at once while it is down. */
  redis: RedisClient;
  states: readonly JobType[];
}

/** Jobs of a queue by state, counted at each scrape; absent while Redis does not answer. */
export function queueJobsGauge({ name, help, registry, queue, redis, states }: QueueJobsGaugeOptions): Gauge<'state'> {
  return new Gauge({
    name,
    help,
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await askRedis(redis, () => queue.getJobCounts(...states));
      this.reset();
      if (counts === null) return;
      for (const state of states) this.set({ state }, counts[state] ?? 0);
    },
  });
}
