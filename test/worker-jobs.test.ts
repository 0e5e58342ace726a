import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueAlarm } from '../src/producer/enqueue.js';
import { INVESTIGATE_JOB } from '../src/producer/investigations-queue.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { failedReport } from '../src/report/failed-report.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import { ResultsPublisher } from '../src/report/results-publisher.js';
import { deleteKeys, distinctAlarms, uniquePrefix } from './support/pipeline.js';
import {
  addWithStoredAssignment,
  DIRECT_AT_10,
  finished,
  type ReplayWorker,
  ENQUEUE_SETTINGS as settings,
  startReplayWorker,
} from './support/replay-worker.js';

const prefix = uniquePrefix('worker-jobs');

let worker: ReplayWorker;
let queues: PromptRcaQueues;

beforeAll(async () => {
  // Every new investigation would go to agent_tools (AGENT_TOOLS_ONLY), which this worker cannot run (no model).
  worker = await startReplayWorker(prefix);
  queues = worker.queues;
});

afterAll(async () => {
  await worker.stop();
  await deleteKeys(prefix);
});

const logsOf = (investigationId: string) => worker.logs.filter((line) => line.investigation_id === investigationId);

describe('the investigation worker', () => {
  it('fails a malformed job at once with a named error and a failed report, then carries on', async () => {
    await queues.investigations.add(INVESTIGATE_JOB, { investigation_id: 'inv-bad', alarm: 'not an alarm' } as never, {
      jobId: 'inv-bad',
      attempts: 3,
    });
    const investigationId = await addWithStoredAssignment(queues, distinctAlarms(1, Date.UTC(2025, 0, 1))[0]);

    await finished(queues, 'inv-bad');
    const bad = await queues.investigations.getJob('inv-bad');
    expect(await bad!.getState()).toBe('failed');
    expect(bad!.attemptsMade).toBe(1);
    expect(bad!.failedReason).toMatch(/^MalformedJobError: job inv-bad is not an investigation: alarm: /);

    const report = (await queues.results.getJob('inv-bad'))!.data;
    expect(report).toMatchObject({ investigation_id: 'inv-bad', status: 'failed', alarm: null });
    expect(report.error).toMatch(/^MalformedJobError: /);

    await finished(queues, investigationId);
    expect(await queues.investigations.getJobState(investigationId)).toBe('completed');

    // Its closing lines are logged once, as for an investigation that ran.
    const closing = logsOf('inv-bad').filter(
      (line) => line.message === 'investigation summary' || String(line.message).startsWith('Root Cause Confidence: '),
    );
    expect(closing.map((line) => line.message)).toEqual(['Root Cause Confidence: 0.00', 'investigation summary']);
    expect(closing[1]).toMatchObject({ status: 'failed', orchestrator_type: 'agent_tools' });
  });

  it('keeps the assignment stored on the job whatever the flags say now', async () => {
    const investigationId = await addWithStoredAssignment(queues, distinctAlarms(1, Date.UTC(2025, 0, 2))[0]);

    await finished(queues, investigationId);
    const report = (await queues.results.getJob(investigationId))!;
    expect(report.name).toBe('direct_invocation');
    expect(report.data).toMatchObject({ orchestrator_type: 'direct_invocation', status: 'completed' });
    expect((await queues.investigations.getJob(investigationId))!.data).toMatchObject({ assignment: DIRECT_AT_10 });
    expect(worker.logs).toContainEqual(
      expect.objectContaining({
        message: 'Orchestrator Type: direct_invocation',
        investigation_id: investigationId,
        assignment_reused: true,
      }),
    );
  });

  it('assigns at first dequeue from the flags, stores it, retries a model-less agent_tools run for another replica, then reports it failed', async () => {
    const [message] = distinctAlarms(1, Date.UTC(2025, 0, 3));
    const { investigationId } = await enqueueAlarm(queues.investigations, message, { source: 'test', settings });
    await finished(queues, investigationId);
    const job = await queues.investigations.getJob(investigationId);
    expect(job!.data).toMatchObject({ assignment: { orchestrator_type: 'agent_tools', source: 'env', percentage: 0 } });
    // Another replica might have a model: every attempt is used, then one failed report names why.
    expect(job!.attemptsMade).toBe(settings.attempts);
    const report = (await queues.results.getJob(investigationId))!;
    expect(report.name).toBe('agent_tools');
    expect(report.data).toMatchObject({ status: 'failed', error: expect.stringContaining('agent_tools cannot route without a model') });
    // The way out is one a worker has (it has no --orchestrator option).
    expect(report.data.error).toContain('worker: PROMPTRCA_FORCE_ORCHESTRATOR=direct');

    const lines = logsOf(investigationId);
    const retries = lines.filter((line) => String(line.message).includes('failed with a transient error, retrying'));
    expect(retries.map((line) => [line.attempt, line.orchestrator_type])).toEqual([
      [1, 'agent_tools'],
      [2, 'agent_tools'],
    ]);
    // Retried attempts publish nothing and log no summary: only the last attempt, whose report is published.
    const summaries = lines.filter((line) => line.message === 'investigation summary');
    expect(summaries.map((line) => [line.attempt, line.status, line.orchestrator_type])).toEqual([[3, 'failed', 'agent_tools']]);
    expect(lines.filter((line) => String(line.message).startsWith('Root Cause Confidence: '))).toHaveLength(1);
  });

  it('does not investigate again, nor publish a second report, when a report already exists', async () => {
    const [message] = distinctAlarms(1, Date.UTC(2025, 0, 4));
    const alarmId = parseAlarmMessage(message).investigationId;
    // As if a worker had published, then died before completing the job.
    const earlier = failedReport({
      investigationId: alarmId,
      orchestratorType: 'direct_invocation',
      alarm: null,
      failure: { message: 'the earlier report', kind: 'permanent' },
    });
    await new ResultsPublisher(queues).publish(earlier);
    await enqueueAlarm(queues.investigations, message, { source: 'test', settings });

    await finished(queues, alarmId);
    expect(await queues.investigations.getJobState(alarmId)).toBe('completed');
    expect((await queues.investigations.getJob(alarmId))!.returnvalue).toEqual({ already_published: true });
    expect((await queues.results.getJob(alarmId))!.data.error).toBe('the earlier report');
  });
});
