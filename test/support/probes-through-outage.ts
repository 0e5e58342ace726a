import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from './pipeline.js';
import type { ThrowawayRedis } from './throwaway-redis.js';

const status = async (base: string, path: string) => (await fetch(`${base}${path}`)).status;

/**
 * Stops `redis` for `outageMs` while asking a process' /livez and /readyz every 250 ms, restarts
 * it, and waits for /readyz to answer 200 again: the statuses each probe answered during the
 * outage (and /livez once after it).
 */
export async function probesThroughOutage(
  redis: ThrowawayRedis,
  base: string,
  outageMs: number,
): Promise<{ livez: Set<number>; readyzDuring: Set<number> }> {
  const ready = async () => (await status(base, '/readyz')) === 200;
  await waitFor(ready, 10_000, () => 'ready before the outage');
  const livez = new Set<number>();
  const readyzDuring = new Set<number>();
  await redis.stop();
  for (const until = Date.now() + outageMs; Date.now() < until; await sleep(250)) {
    livez.add(await status(base, '/livez'));
    readyzDuring.add(await status(base, '/readyz'));
  }
  await redis.restart();
  await waitFor(ready, 15_000, () => 'ready again after the outage');
  livez.add(await status(base, '/livez'));
  return { livez, readyzDuring };
}
