import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { enqueueAlarm } from '../src/producer/enqueue.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import { type ModelProxy, startModelProxy } from './support/model-proxy.js';
import { deleteKeys, distinctAlarms, logLines, openQueues, startWorker, uniquePrefix, waitFor } from './support/pipeline.js';

const prefix = uniquePrefix('retries');
let queues: PromptRcaQueues;
let overloaded: Server;
let overloadedUrl: string;
let requests = 0;
let sim: LlmSim;

let modelDown = true;
/** llm-sim behind a switch: while the model is down, every call gets a 503 (retry at once), then calls go through. */
let recovering: ModelProxy;

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
  sim = await startLlmSim();
  recovering = await startModelProxy(sim.url, (response) => {
    if (!modelDown) return false;
    response.writeHead(503, { 'content-type': 'application/json', 'retry-after-ms': '10' });
    response.end(JSON.stringify({ error: { message: 'the model is overloaded', type: 'server_error' } }));
    return true;
  });
});

afterAll(async () => {
  await queues.close();
  await new Promise((resolve) => overloaded.close(resolve));
  await recovering.close();
  await sim.close();
  await deleteKeys(prefix);
});

describe('an investigation that keeps meeting a transient error', () => {
  it('is retried with backoff, then ends in a failed report carrying the error', async () => {
    const [alarm] = distinctAlarms(1, Date.UTC(2020, 4, 1));
    const { investigationId } = await enqueueAlarm(queues.investigations, alarm, {
      source: 'test',
      settings: { dedupeTtlSeconds: 3600, attempts: 2, backoffSeconds: 1 },
    });
    const worker = await startWorker({
      PROMPTRCA_QUEUE_PREFIX: prefix,
      PROMPTRCA_FORCE_ORCHESTRATOR: 'agent_tools',
      OPENAI_BASE_URL: overloadedUrl,
    });
    try {
      await waitFor(
        async () => (await queues.investigations.getJobState(investigationId)) === 'failed',
        40_000,
        () => 'the job to fail',
      );
      const job = await queues.investigations.getJob(investigationId);
      expect(job!.attemptsMade).toBe(2);
      const report = (await queues.results.getJob(investigationId))!;
      expect(report.name).toBe('agent_tools');
      expect(report.data).toMatchObject({ status: 'failed', error: expect.stringContaining('503') });
      expect(job!.failedReason).toBe(report.data.error);

      const lines = logLines(worker.stdout());
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message: expect.stringMatching(/^attempt 1 of 2 failed with a transient error, retrying: .*503/),
          investigation_id: investigationId,
          orchestrator_type: 'agent_tools',
        }),
      );
      // One summary, of the attempt whose report was published: the retried one adds nothing to Logs Insights.
      const summaries = lines.filter((line) => line.message === 'investigation summary' && line.investigation_id === investigationId);
      expect(summaries.map((line) => [line.attempt, line.status])).toEqual([[2, 'failed']]);
      // Both attempts really asked the model (the client's own retries included).
      expect(requests).toBeGreaterThanOrEqual(2);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  }, 60_000);

  it('that gets past it on the next attempt logs one summary and one confidence line, for the published report', async () => {
    const [alarm] = distinctAlarms(1, Date.UTC(2020, 4, 2));
    const { investigationId } = await enqueueAlarm(queues.investigations, alarm, {
      source: 'test',
      settings: { dedupeTtlSeconds: 3600, attempts: 2, backoffSeconds: 1 },
    });
    const worker = await startWorker({
      PROMPTRCA_QUEUE_PREFIX: prefix,
      PROMPTRCA_FORCE_ORCHESTRATOR: 'agent_tools',
      OPENAI_BASE_URL: recovering.url,
      PROMPTRCA_MODEL: 'llm-sim',
    });
    try {
      // The model is back once the first attempt has given up on it.
      await waitFor(
        () => worker.stdout().includes('attempt 1 of 2 failed with a transient error'),
        20_000,
        () => 'the first attempt to fail',
      );
      modelDown = false;
      await waitFor(
        async () => (await queues.investigations.getJobState(investigationId)) === 'completed',
        20_000,
        () => 'the job to complete',
      );
      expect((await queues.results.getJob(investigationId))!.data).toMatchObject({ orchestrator_type: 'agent_tools', status: 'completed' });

      const lines = logLines(worker.stdout()).filter((line) => line.investigation_id === investigationId);
      const summaries = lines.filter((line) => line.message === 'investigation summary');
      expect(summaries.map((line) => [line.attempt, line.status, line.orchestrator_type])).toEqual([[2, 'completed', 'agent_tools']]);
      const confidence = lines.filter((line) => String(line.message).startsWith('Root Cause Confidence: '));
      expect(confidence.map((line) => line.attempt)).toEqual([2]);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  }, 45_000);
});
