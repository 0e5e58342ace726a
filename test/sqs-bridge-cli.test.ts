import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromptRcaQueues } from '../src/report/queues.js';
import { type LocalSqs, messagesIn, receiveAll, sendBodies, startLocalSqs, TEST_CREDENTIALS, TEST_REGION } from './support/local-sqs.js';
import { deleteKeys, logLines, openQueues, runCli, spawnCli, uniquePrefix, waitFor } from './support/pipeline.js';
import { alarmBody, investigationIdOf, malformedBody } from './support/sqs-alarms.js';

const prefix = uniquePrefix('sqs-bridge-cli');
let local: LocalSqs;
let queues: PromptRcaQueues;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [local, queues] = await Promise.all([startLocalSqs(), openQueues(prefix)]);
  env = {
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: local.endpoint,
    PROMPTRCA_QUEUE_PREFIX: prefix,
    PROMPTRCA_METRICS_HOST: '127.0.0.1',
  };
});

afterAll(async () => {
  await queues.close();
  await local.stop();
  await deleteKeys(prefix);
});

describe('promptrca sqs-bridge', () => {
  it('exits 2 naming a malformed --queue-url', async () => {
    const result = await runCli(['sqs-bridge', '--queue-url', 'alarms-queue'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('promptrca: --queue-url "alarms-queue" is not a URL: expected a queue URL such as https://sqs.');
  });

  it('exits 2 at start when the queue does not exist', async () => {
    const missing = `${local.endpoint}/000000000000/no-such-queue`;
    const result = await runCli(['sqs-bridge', '--queue-url', missing], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`promptrca: --queue-url ${missing}: the queue does not exist (QueueDoesNotExist`);
  });

  it('moves alarms, counts on /metrics, answers /healthz, and stops on SIGTERM with exit 0', async () => {
    const queue = await local.createQueue('cli-alarms');
    const dlq = await local.createQueue('cli-alarms-dlq');
    const bridge = spawnCli(['sqs-bridge', '--queue-url', queue.url, '--dlq-url', dlq.url, '--metrics-port', '0'], env);
    try {
      await waitFor(
        () => bridge.stdout().includes('"message":"sqs bridge started"'),
        15_000,
        () => bridge.stdout() + bridge.stderr(),
        bridge.exited,
      );
      const started = logLines(bridge.stdout()).find((line) => line.message === 'sqs bridge started')!;
      const metricsUrl = started.metrics as string;
      expect(started).toMatchObject({ queue_url: queue.url, dlq_url: dlq.url, prefix, investigations_queue: 'promptrca-investigations' });

      const alarm = alarmBody(8_000);
      await sendBodies(local.sqs, queue.url, [alarm, alarmBody(8_001, 'sns-envelope', 'OK'), malformedBody(0)]);
      const scrape = async () => (await fetch(metricsUrl)).text();
      await waitFor(
        async () => (await scrape()).includes('promptrca_sqs_bridge_received_total 3'),
        10_000,
        () => bridge.stdout(),
      );
      await waitFor(async () => (await messagesIn(local.sqs, queue.url)).inFlight === 0, 5_000);

      const metrics = await scrape();
      for (const [outcome, count] of [
        ['enqueued', 1],
        ['skipped', 1],
        ['poison', 1],
        ['duplicate', 0],
        ['retried', 0],
      ] as const) {
        expect(metrics).toContain(`promptrca_sqs_bridge_messages_total{outcome="${outcome}"} ${count}`);
      }
      const health = await fetch(metricsUrl.replace('/metrics', '/healthz'));
      expect([health.status, await health.json()]).toMatchObject([200, { healthy: true, state: 'polling', received: 3 }]);
      expect(await queues.investigations.getJob(investigationIdOf(alarm))).toBeDefined();
      expect((await receiveAll(local.sqs, dlq.url)).map((message) => message.Body)).toEqual([malformedBody(0)]);

      // Sent while the bridge long-polls (20 s): SIGTERM must not wait for the poll to end.
      const stopAsked = Date.now();
      bridge.child.kill('SIGTERM');
      expect(await bridge.exited).toBe(0);
      expect(Date.now() - stopAsked).toBeLessThan(5_000);
    } finally {
      bridge.child.kill('SIGKILL');
    }
    const lines = logLines(bridge.stdout());
    expect(
      bridge
        .stdout()
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('{')),
    ).toEqual([]);
    expect(lines.at(-1)).toMatchObject({
      message: 'sqs bridge stopped',
      received: 3,
      enqueued: 1,
      skipped: 1,
      poison: 1,
      duplicate: 0,
      retried: 0,
    });
    expect(lines.map((line) => line.message)).toContain('SIGTERM received: finishing the batch in hand');
  });
});
