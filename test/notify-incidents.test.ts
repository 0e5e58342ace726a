import { describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../src/report/incidents.js';
import { DeliveryState } from '../src/report/notify/delivery-state.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import type { Report, RootCauseType } from '../src/report/report.js';
import { ResultsPublisher } from '../src/report/results-publisher.js';
import { craftReport } from './support/crafted-reports.js';
import { notifyMetricsUrl, useNotifyTestResources } from './support/notify-processes.js';
import { type NotifyReceiver, type ReceiverAnswer, startNotifyReceiver } from './support/notify-receiver.js';
import {
  distinctAlarms,
  enqueueAll,
  logLines,
  openQueues,
  runCli,
  type SpawnedProcess,
  startWorker,
  stopAll,
  uniquePrefix,
  waitFor,
  waitForReports,
} from './support/pipeline.js';
import { parseExposition, sampleValue } from './support/prometheus.js';
import { ENQUEUE_SETTINGS } from './support/replay-worker.js';

const HOOK = '/hook';
const SLACK = '/services/T000/B000/secret-token';
const RESOURCE = 'lambda orders-api (us-east-1, 123456789012)';

const resources = useNotifyTestResources();

interface Setup {
  env: NodeJS.ProcessEnv;
  queues: PromptRcaQueues;
  receiver: NotifyReceiver;
  sinkArgs: string[];
}

async function setup(
  name: string,
  env: NodeJS.ProcessEnv = {},
  answer: (path: string) => ReceiverAnswer = () => ({ status: 200 }),
): Promise<Setup> {
  const prefix = uniquePrefix(name);
  resources.prefixes.push(prefix);
  const receiver = await startNotifyReceiver(answer);
  resources.receivers.push(receiver);
  return {
    env: { PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_LOCK_DURATION_MS: '2000', ...env },
    queues: await openQueues(prefix),
    receiver,
    sinkArgs: ['--webhook-url', `${receiver.url}${HOOK}`, '--slack-webhook-url', `${receiver.url}${SLACK}`],
  };
}

const startNotify = (run: Setup) => resources.startNotify(run.env, run.sinkArgs);

/** Every report handled by notify: none waiting, active or delayed on the results queue. */
async function drained(run: Setup, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => (await run.queues.results.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')) === 0,
    timeoutMs,
    () => 'notify to take every report',
  );
}

async function deliveries(notify: SpawnedProcess, kind: string, outcome: string): Promise<number | undefined> {
  return sampleValue(parseExposition(await (await fetch(notifyMetricsUrl(notify))).text()), 'promptrca_notify_deliveries_total', {
    kind,
    outcome,
  });
}

/** A report of the incident as a worker would have published it: `position` alarms of the resource before it. */
function ofIncident(incident: string, id: string, position: number, cause: RootCauseType | 'failed'): Report {
  const report = craftReport('direct_invocation', {
    id,
    startedAt: new Date().toISOString(),
    ...(cause === 'failed' ? { status: 'failed' as const, errorKind: 'transient' as const } : {}),
  });
  const root_cause = report.root_cause && cause !== 'failed' ? { ...report.root_cause, type: cause } : report.root_cause;
  return { ...report, root_cause, related: { resource: RESOURCE, incident_id: incident, investigations: [], more: position - 1 } };
}

const finish = async (notify: SpawnedProcess[], run: Setup, worker?: SpawnedProcess) => {
  for (const spawned of notify) spawned.child.kill('SIGTERM');
  for (const spawned of notify) expect(await spawned.exited).toBe(0);
  if (worker) await stopAll([worker]);
  await run.queues.close();
};

describe('notify: one incident, not fifteen messages', () => {
  it('15 alarms of one function through the worker send one message per sink, the 14 repeats muted and counted; a new root cause and a failure are sent', async () => {
    const run = await setup('incident-mute');
    const worker = await startWorker({ ...run.env, PROMPTRCA_FORCE_ORCHESTRATOR: 'direct' }, ['--llm', 'none', '--concurrency', '5']);
    resources.processes.push(worker);
    const notify = await startNotify(run);
    const ids = await enqueueAll(run.queues, distinctAlarms(15, Date.UTC(2024, 7, 1)), ENQUEUE_SETTINGS);
    const reports = await waitForReports(run.queues, 15, 60_000);
    // The 15th notification is added just after its report: counted until every one was handled.
    const handled = async () =>
      ((await deliveries(notify, 'slack', 'muted')) ?? 0) + ((await deliveries(notify, 'slack', 'delivered')) ?? 0);
    await waitFor(
      async () => (await handled()) === 15,
      60_000,
      () => '15 notifications handled',
    );
    await drained(run);

    const incidents = new Set(reports.map((report) => report.related?.incident_id));
    expect(incidents.size).toBe(1);
    const incident = String([...incidents][0]);
    for (const path of [SLACK, HOOK]) expect(run.receiver.accepted(path)).toHaveLength(1);
    expect(run.receiver.requests).toHaveLength(2);
    const sentAs = String(run.receiver.accepted(SLACK)[0]?.idempotencyKey);
    expect(ids).toContain(sentAs);

    // Nothing silently dropped: the delivery state, the metric and an info line for each of the 14 others.
    const state = new DeliveryState(run.queues.redis, String(run.env.PROMPTRCA_QUEUE_PREFIX), 3600);
    for (const id of ids.filter((id) => id !== sentAs)) {
      const states = Object.values(await state.states(id));
      expect(states).toEqual([
        `muted: repeats timeout (completed) of incident ${incident}, sent as ${sentAs}`,
        `muted: repeats timeout (completed) of incident ${incident}, sent as ${sentAs}`,
      ]);
    }
    expect(Object.values(await state.states(sentAs))).toEqual(['delivered', 'delivered']);
    for (const kind of ['slack', 'webhook']) {
      expect(await deliveries(notify, kind, 'muted')).toBe(14);
      expect(await deliveries(notify, kind, 'delivered')).toBe(1);
    }
    const muted = logLines(notify.stdout()).filter((line) => String(line.message).startsWith('muted for slack sink'));
    expect(muted).toHaveLength(14);
    expect(muted[0]).toMatchObject({ level: 'info', incident_id: incident });

    // Planted: a second root cause of the same incident (sent, saying where it stands), a repeat of it (muted), a failure (sent).
    const publisher = new ResultsPublisher(run.queues);
    await publisher.publish(ofIncident(incident, 'planted-code-error', 16, 'code_error'));
    await drained(run);
    await publisher.publish(ofIncident(incident, 'planted-code-error-again', 17, 'code_error'));
    await publisher.publish(ofIncident(incident, 'planted-failed', 18, 'failed'));
    await drained(run);
    expect(run.receiver.accepted(SLACK).map((received) => received.idempotencyKey)).toEqual([
      sentAs,
      'planted-code-error',
      'planted-failed',
    ]);
    const newCause = run.receiver.accepted(SLACK)[1]?.body as { blocks: Array<{ text?: { text: string } }> };
    expect(newCause.blocks.map((block) => block.text?.text).find((text) => text?.startsWith('*Incident:*'))).toBe(
      `*Incident:* alarm 16 of incident ${incident} on ${RESOURCE} (16 alarms so far), sent for its conclusion code_error (completed); alarms repeating a conclusion already sent are muted`,
    );
    expect(run.receiver.accepted(HOOK)[1]?.body.incident).toMatch(
      /^alarm 16 of incident .+ \(16 alarms so far\), sent for its conclusion code_error/,
    );
    expect(await deliveries(notify, 'slack', 'muted')).toBe(15);
    expect(await deliveries(notify, 'slack', 'delivered')).toBe(3);

    // results --incidents: the 18 reports as one line; --json the same grouping.
    const text = await runCli(['results', '--incidents', '--last', '100'], run.env);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\+\\d+ (s|min) incident ${incident} ${RESOURCE.replace(/[()]/g, '\\$&')}: 18 investigations, first alarm orders-api-errors; timeout 15, code_error 2, failed 1$`,
      ),
    );
    const json = await runCli(['results', '--incidents', '--json', '--last', '100'], run.env);
    const summaries = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as IncidentSummary);
    expect(summaries).toEqual([
      expect.objectContaining({
        incident_id: incident,
        resource: RESOURCE,
        first_alarm: 'orders-api-errors',
        investigations: 18,
        root_causes: { timeout: 15, code_error: 2, failed: 1 },
      }),
    ]);
    expect(summaries[0]?.span_seconds).toBeGreaterThanOrEqual(0);
    const follow = await runCli(['results', '--incidents', '--follow'], run.env);
    expect(follow.code).toBe(2);
    expect(follow.stderr).toContain('--incidents cannot be combined with --follow');
    await finish([notify], run, worker);
  }, 150_000);

  it('with PROMPTRCA_NOTIFY_REPEATS=send all 15 alarms arrive', async () => {
    const run = await setup('incident-send', { PROMPTRCA_NOTIFY_REPEATS: 'send' });
    const worker = await startWorker({ ...run.env, PROMPTRCA_FORCE_ORCHESTRATOR: 'direct' }, ['--llm', 'none', '--concurrency', '5']);
    resources.processes.push(worker);
    const notify = await startNotify(run);
    const ids = await enqueueAll(run.queues, distinctAlarms(15, Date.UTC(2024, 8, 1)), ENQUEUE_SETTINGS);
    await waitFor(
      () => run.receiver.accepted(SLACK).length >= 15 && run.receiver.accepted(HOOK).length >= 15,
      60_000,
      () => '15 messages at each sink',
    );
    await drained(run);
    for (const path of [SLACK, HOOK])
      expect(
        run.receiver
          .accepted(path)
          .map((received) => received.idempotencyKey)
          .sort(),
      ).toEqual([...ids].sort());
    expect(await deliveries(notify, 'slack', 'muted')).toBe(0);
    await finish([notify], run, worker);
  }, 120_000);

  it('two notify replicas taking one incident at once send its first report once per sink', async () => {
    // Slow answers keep both replicas' deliveries in flight together.
    const run = await setup('incident-replicas', {}, () => ({ status: 200, delayMs: 100 }));
    const replicas = [await startNotify(run), await startNotify(run)];
    const publisher = new ResultsPublisher(run.queues);
    // Five incidents of ten reports each, published together: both replicas race for each.
    const published = Array.from({ length: 5 }, (_, incident) =>
      Array.from({ length: 10 }, (_, alarm) => ofIncident(`storm-${incident}`, `storm-${incident}-alarm-${alarm}`, alarm + 1, 'timeout')),
    ).flat();
    await Promise.all(published.map((report) => publisher.publish(report)));
    await drained(run);
    for (const path of [SLACK, HOOK]) {
      const sent = run.receiver.accepted(path).map((received) => String(received.idempotencyKey).replace(/-alarm-\d+$/, ''));
      expect(sent.sort()).toEqual(['storm-0', 'storm-1', 'storm-2', 'storm-3', 'storm-4']);
    }
    const muted = await Promise.all(replicas.map((notify) => deliveries(notify, 'slack', 'muted')));
    expect((muted[0] ?? 0) + (muted[1] ?? 0)).toBe(45);
    // Both replicas took part.
    for (const notify of replicas)
      expect(logLines(notify.stdout()).filter((line) => /^(delivered|muted)/.test(String(line.message))).length).toBeGreaterThan(0);
    await finish(replicas, run);
  }, 90_000);

  it('a report its sink refused gives its conclusion back: the next report of it is sent there, not muted', async () => {
    let answered = 0;
    // Slack alone, refusing its first request for good (404).
    const run = await setup('incident-refused', {}, () => ({ status: (answered += 1) === 1 ? 404 : 200 }));
    run.sinkArgs = ['--slack-webhook-url', `${run.receiver.url}${SLACK}`];
    const notify = await startNotify(run);
    const publisher = new ResultsPublisher(run.queues);
    await publisher.publish(ofIncident('refused', 'refused-1', 1, 'timeout'));
    await drained(run);
    await publisher.publish(ofIncident('refused', 'refused-2', 2, 'timeout'));
    await drained(run);
    await publisher.publish(ofIncident('refused', 'refused-3', 3, 'timeout'));
    await drained(run);
    expect(run.receiver.requests.map((received) => [received.idempotencyKey, received.status])).toEqual([
      ['refused-1', 404],
      ['refused-2', 200],
    ]);
    expect(await deliveries(notify, 'slack', 'muted')).toBe(1);
    await finish([notify], run);
  }, 60_000);
});
