import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueAlarm } from '../src/producer/enqueue.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import { failedReport } from '../src/report/failed-report.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import { ORCHESTRATOR_TYPES } from '../src/report/report.js';
import { deleteKeys, distinctAlarms, uniquePrefix } from './support/pipeline.js';
import {
  addWithStoredAssignment,
  finished,
  type ReplayWorker,
  ENQUEUE_SETTINGS as settings,
  startReplayWorker,
} from './support/replay-worker.js';

const prefix = uniquePrefix('shadow-runs');
const stopping = new AbortController();

let worker: ReplayWorker;
let queues: PromptRcaQueues;

beforeAll(async () => {
  // New investigations go to agent_tools, which this worker (no model) cannot run; direct_invocation runs on rules.
  // Both claimed runnable at 100%, so that an agent_tools shadow run fails to start (no model).
  worker = await startReplayWorker(prefix, {
    settings: { percentage: 100, runnable: new Set(ORCHESTRATOR_TYPES) },
    stopping: stopping.signal,
  });
  queues = worker.queues;
});

afterAll(async () => {
  await worker.stop();
  await deleteKeys(prefix);
});

/** As if a worker had published the primary report, then died before completing the job. */
async function publishedBeforeCrash(day: number): Promise<{ id: string; message: unknown }> {
  const [message] = distinctAlarms(1, Date.UTC(2025, 1, day));
  const id = parseAlarmMessage(message).investigationId;
  await worker.publisher.publish(
    failedReport({
      investigationId: id,
      orchestratorType: 'agent_tools',
      alarm: null,
      failure: { message: 'the earlier primary report', kind: 'permanent' },
    }),
  );
  return { id, message };
}

const logged = (id: string, message: string) => worker.logs.some((line) => line.investigation_id === id && line.message === message);

describe('shadow runs in the worker', () => {
  it('runs the missing shadow on a retry after a crash, keeping the earlier primary report', async () => {
    const { id, message } = await publishedBeforeCrash(1);
    await enqueueAlarm(queues.investigations, message, { source: 'test', settings });

    expect(await finished(queues, id)).toBe('completed');
    expect((await queues.results.getJob(id))!.data).toMatchObject({
      orchestrator_type: 'agent_tools',
      error: 'the earlier primary report',
    });
    const shadow = (await queues.results.getJob(`${id}-shadow`))!;
    expect(shadow.name).toBe('direct_invocation');
    expect(shadow.data).toMatchObject({ investigation_id: id, orchestrator_type: 'direct_invocation', status: 'completed', shadow: true });
  });

  it('does not run the shadow again when its report already exists', async () => {
    const { id, message } = await publishedBeforeCrash(2);
    const earlierShadow = failedReport({
      investigationId: id,
      orchestratorType: 'direct_invocation',
      alarm: null,
      failure: { message: 'the earlier shadow report', kind: 'permanent' },
    });
    await worker.publisher.publish({ ...earlierShadow, shadow: true });
    await enqueueAlarm(queues.investigations, message, { source: 'test', settings });

    expect(await finished(queues, id)).toBe('completed');
    expect((await queues.results.getJob(`${id}-shadow`))!.data.error).toBe('the earlier shadow report');
    expect(logged(id, 'shadow report already published (an earlier attempt ended before completing the job)')).toBe(true);
    expect(worker.logs.filter((line) => line.investigation_id === id && line.message === 'DIRECT INVOCATION ORCHESTRATION')).toEqual([]);
  });

  it('completes the primary job without retrying it when the shadow run fails', async () => {
    // Stored by an earlier attempt: direct_invocation, whose shadow is agent_tools (no model here).
    const id = await addWithStoredAssignment(queues, distinctAlarms(1, Date.UTC(2025, 1, 3))[0]);

    expect(await finished(queues, id)).toBe('completed');
    expect((await queues.investigations.getJob(id))!.attemptsMade).toBe(1);
    expect((await queues.results.getJob(id))!.data).toMatchObject({ orchestrator_type: 'direct_invocation', status: 'completed' });
    expect(await queues.results.getJob(`${id}-shadow`)).toBeUndefined();
    expect(
      worker.logs.some(
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

    expect(await finished(queues, id)).toBe('completed');
    expect(await queues.results.getJob(`${id}-shadow`)).toBeUndefined();
    expect(logged(id, 'shadow run skipped: the worker is stopping')).toBe(true);
  });
});
