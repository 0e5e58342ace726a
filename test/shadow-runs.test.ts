import { Transform } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { loadRecording } from '../src/orchestrators/aws/recording.js';
import { createOrchestrator } from '../src/orchestrators/create-orchestrator.js';
import { enqueueAlarm } from '../src/producer/enqueue.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { INVESTIGATE_JOB, type PromptRcaQueues } from '../src/producer/queues.js';
import { connectRedis } from '../src/producer/redis-connection.js';
import { failedReport } from '../src/report/failed-report.js';
import { ORCHESTRATOR_TYPES } from '../src/report/report.js';
import { ResultsPublisher } from '../src/report/results-publisher.js';
import type { RolloutFlags } from '../src/rollout/flags.js';
import { startInvestigationWorker, type InvestigationWorker } from '../src/worker/investigation-worker.js';
import { ShadowRunner } from '../src/worker/shadow-run.js';
import { deleteKeys, distinctAlarms, openQueues, REDIS_URL, SCENARIO, uniquePrefix, waitFor } from './support/pipeline.js';

const prefix = uniquePrefix('shadow-runs');
const settings = { dedupeTtlSeconds: 3600, attempts: 3, backoffSeconds: 0 };
/** New investigations go to agent_tools, which this worker (no model) cannot run; direct_invocation runs on rules. */
const AGENT_TOOLS_ONLY: RolloutFlags = { useDirect: false, percentage: 100, force: null };

let queues: PromptRcaQueues;
let workerRedis: Redis;
let running: InvestigationWorker;
let publisher: ResultsPublisher;
const stopping = new AbortController();
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  queues = await openQueues(prefix);
  workerRedis = await connectRedis(REDIS_URL, 'worker');
  const aws = createAwsClients({ region: 'us-east-1', replay: await loadRecording(SCENARIO) });
  const capture = new Transform({
    objectMode: true,
    transform(info: Record<string, unknown>, _encoding, done) {
      logs.push(info);
      done();
    },
  });
  const orchestratorFor = (type: (typeof ORCHESTRATOR_TYPES)[number]) => createOrchestrator(type, aws, null);
  publisher = new ResultsPublisher(queues.results);
  running = startInvestigationWorker({
    connection: workerRedis,
    prefix,
    settings: { concurrency: 2, shutdownGraceSeconds: 5, lockDurationMs: 5_000 },
    deps: {
      currentFlags: () => AGENT_TOOLS_ONLY,
      orchestratorFor,
      publisher,
      log: winston.createLogger({ transports: [new winston.transports.Stream({ stream: capture })] }),
      // Both claimed runnable at 100%, so that an agent_tools shadow run fails to start (no model).
      shadow: new ShadowRunner({ settings: { percentage: 100, runnable: new Set(ORCHESTRATOR_TYPES) }, orchestratorFor, publisher, stopping: stopping.signal }),
    },
  });
  void running.worker.run();
});

afterAll(async () => {
  await running.worker.close();
  workerRedis.disconnect();
  await queues.close();
  await deleteKeys(prefix);
});

async function finished(id: string): Promise<string> {
  await waitFor(async () => ['completed', 'failed'].includes(await queues.investigations.getJobState(id)), 15_000, () => `job ${id} to finish`);
  return queues.investigations.getJobState(id);
}

/** As if a worker had published the primary report, then died before completing the job. */
async function publishedBeforeCrash(day: number): Promise<{ id: string; message: unknown }> {
  const [message] = distinctAlarms(1, Date.UTC(2025, 1, day));
  const id = parseAlarmMessage(message).investigationId;
  await publisher.publish(failedReport({ investigationId: id, orchestratorType: 'agent_tools', alarm: null, error: 'the earlier primary report' }));
  return { id, message };
}

const logged = (id: string, message: string) => logs.some((line) => line.investigation_id === id && line.message === message);

describe('shadow runs in the worker', () => {
  it('runs the missing shadow on a retry after a crash, keeping the earlier primary report', async () => {
    const { id, message } = await publishedBeforeCrash(1);
    await enqueueAlarm(queues.investigations, message, { source: 'test', settings });

    expect(await finished(id)).toBe('completed');
    expect((await queues.results.getJob(id))!.data).toMatchObject({ orchestrator_type: 'agent_tools', error: 'the earlier primary report' });
    const shadow = (await queues.results.getJob(`${id}-shadow`))!;
    expect(shadow.name).toBe('direct_invocation');
    expect(shadow.data).toMatchObject({ investigation_id: id, orchestrator_type: 'direct_invocation', status: 'completed', shadow: true });
  });

  it('does not run the shadow again when its report already exists', async () => {
    const { id, message } = await publishedBeforeCrash(2);
    const earlierShadow = failedReport({ investigationId: id, orchestratorType: 'direct_invocation', alarm: null, error: 'the earlier shadow report' });
    await publisher.publish({ ...earlierShadow, shadow: true });
    await enqueueAlarm(queues.investigations, message, { source: 'test', settings });

    expect(await finished(id)).toBe('completed');
    expect((await queues.results.getJob(`${id}-shadow`))!.data.error).toBe('the earlier shadow report');
    expect(logged(id, 'shadow report already published (an earlier attempt ended before completing the job)')).toBe(true);
    expect(logs.filter((line) => line.investigation_id === id && line.message === 'DIRECT INVOCATION ORCHESTRATION')).toEqual([]);
  });

  it('completes the primary job without retrying it when the shadow run fails', async () => {
    const [message] = distinctAlarms(1, Date.UTC(2025, 1, 3));
    const { investigationId: id, alarm } = parseAlarmMessage(message);
    // Stored by an earlier attempt: direct_invocation, whose shadow is agent_tools (no model here).
    const assignment = { orchestrator_type: 'direct_invocation', bucket: 7, percentage: 10, source: 'env', assigned_at: '2025-01-02T00:00:00.000Z' };
    await queues.investigations.add(
      INVESTIGATE_JOB,
      { investigation_id: id, alarm, received_at: new Date().toISOString(), source: 'test', assignment } as never,
      { jobId: id, attempts: 3 },
    );

    expect(await finished(id)).toBe('completed');
    expect((await queues.investigations.getJob(id))!.attemptsMade).toBe(1);
    expect((await queues.results.getJob(id))!.data).toMatchObject({ orchestrator_type: 'direct_invocation', status: 'completed' });
    expect(await queues.results.getJob(`${id}-shadow`)).toBeUndefined();
    expect(
      logs.some(
        (line) =>
          line.investigation_id === id &&
          line.shadow === true &&
          String(line.message).startsWith('shadow run failed, the primary report stands: agent_tools cannot route without a model'),
      ),
    ).toBe(true);
  });

  it('skips shadow runs once the worker is stopping', async () => {
    stopping.abort();
    const { id, message } = await publishedBeforeCrash(4);
    await enqueueAlarm(queues.investigations, message, { source: 'test', settings });

    expect(await finished(id)).toBe('completed');
    expect(await queues.results.getJob(`${id}-shadow`)).toBeUndefined();
    expect(logged(id, 'shadow run skipped: the worker is stopping')).toBe(true);
  });
});
