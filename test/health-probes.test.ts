import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqs, startLocalSqs, TEST_CREDENTIALS, TEST_REGION } from './support/local-sqs.js';
import { logLines, type SpawnedProcess, spawnCli, startWorker, uniquePrefix, waitFor } from './support/pipeline.js';
import { ThrowawayRedis } from './support/throwaway-redis.js';

/** Long enough for every reconnect attempt and probe deadline to play out several times. */
const OUTAGE_MS = 20_000;

let redis: ThrowawayRedis;
let sqs: LocalSqs;

async function status(base: string, path: string): Promise<number> {
  return (await fetch(`${base}${path}`)).status;
}

/** The base URL of a process' probes, from the line it logs at start. */
function probesOf(process: SpawnedProcess, message: string): string {
  const line = logLines(process.stdout()).find((entry) => entry.message === message);
  return String(line?.metrics).replace(/\/metrics$/, '');
}

/**
 * Stops Redis for OUTAGE_MS while asking both probes every 250 ms: /livez must answer 200 each time,
 * /readyz must turn 503 during the outage and 200 again once Redis is back.
 */
async function survivesOutage(base: string): Promise<void> {
  await waitFor(
    async () => (await status(base, '/readyz')) === 200,
    10_000,
    () => 'ready before the outage',
  );
  const livez = new Set<number>();
  const readyzDuring = new Set<number>();
  await redis.stop();
  const until = Date.now() + OUTAGE_MS;
  while (Date.now() < until) {
    livez.add(await status(base, '/livez'));
    readyzDuring.add(await status(base, '/readyz'));
    await sleep(250);
  }
  await redis.restart();
  await waitFor(
    async () => (await status(base, '/readyz')) === 200,
    15_000,
    () => 'ready again after the outage',
  );
  livez.add(await status(base, '/livez'));
  expect(await status(base, '/healthz')).toBe(200);
  expect([...livez]).toEqual([200]);
  expect(readyzDuring.has(503)).toBe(true);
  expect([...readyzDuring].every((code) => code === 503 || code === 200)).toBe(true);
}

beforeAll(async () => {
  [redis, sqs] = await Promise.all([ThrowawayRedis.start(), startLocalSqs()]);
});
afterAll(async () => {
  await Promise.all([redis?.remove(), sqs?.stop()]);
});

describe('liveness and readiness while Redis is away for 20 s', () => {
  it('the worker stays live (200) and is not ready (503) until Redis is back', async () => {
    const worker = await startWorker(
      { REDIS_URL: redis.url, PROMPTRCA_QUEUE_PREFIX: uniquePrefix('probes'), PROMPTRCA_FORCE_ORCHESTRATOR: 'direct' },
      ['--llm', 'none'],
    );
    try {
      await survivesOutage(probesOf(worker, 'worker started'));
    } finally {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
  }, 60_000);

  it('the rollout guard likewise', async () => {
    const guard = spawnCli(['rollout', 'guard', '--interval', '1s'], {
      REDIS_URL: redis.url,
      PROMPTRCA_QUEUE_PREFIX: uniquePrefix('guard-probes'),
    });
    try {
      const served = /\/livez and \/readyz on (http:\S+)/;
      await waitFor(
        () => served.test(guard.stderr()),
        20_000,
        () => `the guard to start: ${guard.stderr()}`,
        guard.exited,
      );
      const base = served.exec(guard.stderr())?.[1] ?? '';
      await survivesOutage(base);
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/promptrca_guard_looks_total\{outcome="failed"\} [1-9]/);
    } finally {
      guard.child.kill('SIGTERM');
      expect(await guard.exited).toBe(0);
    }
  }, 60_000);

  it('the SQS bridge likewise, with no alarm arriving to show it that Redis is away', async () => {
    const queue = await sqs.createQueue('probes');
    const bridge = spawnCli(['sqs-bridge', '--queue-url', queue.url, '--metrics-port', '0'], {
      REDIS_URL: redis.url,
      PROMPTRCA_QUEUE_PREFIX: uniquePrefix('bridge-probes'),
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    });
    try {
      await waitFor(
        () => bridge.stdout().includes('"message":"sqs bridge started"'),
        20_000,
        () => `the bridge to start: ${bridge.stdout()}${bridge.stderr()}`,
        bridge.exited,
      );
      await survivesOutage(probesOf(bridge, 'sqs bridge started'));
    } finally {
      bridge.child.kill('SIGTERM');
      expect(await bridge.exited).toBe(0);
    }
  }, 60_000);
});
