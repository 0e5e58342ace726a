import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueAlarm } from '../src/producer/enqueue.js';
import type { PromptRcaQueues } from '../src/producer/queues.js';
import { deleteKeys, distinctAlarms, logLines, openQueues, startWorker, uniquePrefix, waitFor } from './support/pipeline.js';

const prefix = uniquePrefix('retries');
let queues: PromptRcaQueues;
let overloaded: Server;
let overloadedUrl: string;
let requests = 0;

beforeAll(async () => {
  queues = await openQueues(prefix);
  // An OpenAI-compatible endpoint that is down for good: every call gets a 503.
  overloaded = createServer((request, response) => {
    requests++;
    request.resume();
    request.on('end', () => {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'the model is overloaded', type: 'server_error' } }));
    });
  });
  await new Promise<void>((resolve) => overloaded.listen(0, '127.0.0.1', resolve));
  overloadedUrl = `http://127.0.0.1:${(overloaded.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await queues.close();
  await new Promise((resolve) => overloaded.close(resolve));
  await deleteKeys(prefix);
});

describe('an investigation that keeps meeting a transient error', () => {
  it('is retried with backoff, then ends in a failed report carrying the error', async () => {
    const [alarm] = distinctAlarms(1, Date.UTC(2020, 4, 1));
    const { investigationId } = await enqueueAlarm(queues.investigations, alarm, {
      source: 'test',
      settings: { dedupeTtlSeconds: 3600, attempts: 2, backoffSeconds: 1 },
    });
    const worker = await startWorker({ PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_FORCE_ORCHESTRATOR: 'agent_tools', OPENAI_BASE_URL: overloadedUrl });
    try {
      await waitFor(async () => (await queues.investigations.getJobState(investigationId)) === 'failed', 40_000, () => 'the job to fail');
      const job = await queues.investigations.getJob(investigationId);
      expect(job!.attemptsMade).toBe(2);
      const report = (await queues.results.getJob(investigationId))!;
      expect(report.name).toBe('agent_tools');
      expect(report.data).toMatchObject({ status: 'failed', error: expect.stringContaining('503') });
      expect(job!.failedReason).toBe(report.data.error);

      const lines = logLines(worker.stdout());
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 'warn', message: expect.stringMatching(/^attempt 1 of 2 failed with a transient error, retrying: .*503/) }),
      );
      const summaries = lines.filter((line) => line.message === 'investigation summary' && line.investigation_id === investigationId);
      expect(summaries.map((line) => [line.attempt, line.status])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
      ]);
      // Both attempts really asked the model (the client's own retries included).
      expect(requests).toBeGreaterThanOrEqual(2);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  }, 60_000);
});
