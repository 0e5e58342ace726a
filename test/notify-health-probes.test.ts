import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectQueues } from '../src/report/queues.js';
import { ResultsPublisher } from '../src/report/results-publisher.js';
import { craftReport } from './support/crafted-reports.js';
import { notifyMetricsUrl } from './support/notify-processes.js';
import { type NotifyReceiver, startNotifyReceiver } from './support/notify-receiver.js';
import { startLongRunning, uniquePrefix, waitFor } from './support/pipeline.js';
import { probesThroughOutage } from './support/probes-through-outage.js';
import { ThrowawayRedis } from './support/throwaway-redis.js';

/** Long enough for notify's reconnect attempts and the probe's deadline to play out several times. */
const OUTAGE_MS = 10_000;

let redis: ThrowawayRedis;
let receiver: NotifyReceiver;

beforeAll(async () => {
  redis = await ThrowawayRedis.start();
  receiver = await startNotifyReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await redis?.remove();
});

describe('notify while its Redis is away', () => {
  it('stays live (200), is not ready (503) until Redis is back, then delivers again', async () => {
    const prefix = uniquePrefix('notify-probes');
    const env = { REDIS_URL: redis.url, PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_NOTIFY_REPEATS: 'send' };
    const notify = await startLongRunning('notify', ['--webhook-url', `${receiver.url}/hook`], env);
    const base = notifyMetricsUrl(notify).replace(/\/metrics$/, '');
    try {
      const { livez, readyzDuring: readyz } = await probesThroughOutage(redis, base, OUTAGE_MS);
      expect([...livez]).toEqual([200]);
      expect(readyz.has(503)).toBe(true);
      expect([...readyz].every((code) => code === 503 || code === 200)).toBe(true);

      // Back in business: a report published now is delivered.
      const queues = await connectQueues(env);
      try {
        await new ResultsPublisher(queues).publish(craftReport('direct_invocation', { id: 'inv-after-outage' }));
        await waitFor(
          () => receiver.accepted('/hook').some((received) => received.idempotencyKey === 'inv-after-outage'),
          20_000,
          () => 'the report published after the outage',
        );
      } finally {
        await queues.close();
      }
    } finally {
      notify.child.kill('SIGTERM');
      expect(await notify.exited).toBe(0);
    }
  }, 60_000);
});
