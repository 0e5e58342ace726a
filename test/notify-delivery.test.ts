import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { connectRedis } from '../src/platform/redis-connection.js';
import { DeliveryState } from '../src/report/notify/delivery-state.js';
import { type PromptRcaQueues, RESULTS_QUEUE } from '../src/report/queues.js';
import { ReportSchema } from '../src/report/report.js';
import { ResultsPublisher } from '../src/report/results-publisher.js';
import { SLACK_LIMITS } from '../src/report/sinks/slack-text.js';
import { craftReport, craftReports } from './support/crafted-reports.js';
import { notifyMetricsUrl, useNotifyTestResources } from './support/notify-processes.js';
import { duplicatesAt, type NotifyReceiver, type ReceiverAnswer, startNotifyReceiver } from './support/notify-receiver.js';
import {
  distinctAlarms,
  enqueueAll,
  logLines,
  openQueues,
  REDIS_URL,
  runCli,
  type SpawnedProcess,
  startWorker,
  stopAll,
  uniquePrefix,
  waitFor,
} from './support/pipeline.js';
import { parseExposition, sampleValue } from './support/prometheus.js';
import { ENQUEUE_SETTINGS } from './support/replay-worker.js';

const HOOK = '/hook';
// A Slack incoming webhook's path is its secret: it must never show in a log line.
const SLACK = '/services/T000/B000/secret-token';
const KNOWN_BLOCKS = new Set(['header', 'section', 'context', 'divider']);
const LOCK_MS = '2000';

const { prefixes, receivers, processes, startNotify } = useNotifyTestResources();

interface Run {
  env: NodeJS.ProcessEnv;
  queues: PromptRcaQueues;
  receiver: NotifyReceiver;
  worker: SpawnedProcess;
  sinkArgs: string[];
}

/** Fresh queues, a receiver answering as `answer` says, and one worker investigating on rules from the bundled recording. */
async function pipeline(name: string, answer?: (path: string) => ReceiverAnswer): Promise<Run> {
  const prefix = uniquePrefix(name);
  prefixes.push(prefix);
  const receiver = await startNotifyReceiver(answer);
  receivers.push(receiver);
  // Every alarm here is of one function, one incident: these tests are about delivery, so each report is sent.
  const env = { PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_LOCK_DURATION_MS: LOCK_MS, PROMPTRCA_NOTIFY_REPEATS: 'send' };
  const worker = await startWorker({ ...env, PROMPTRCA_FORCE_ORCHESTRATOR: 'direct' }, ['--llm', 'none']);
  processes.push(worker);
  const sinkArgs = ['--webhook-url', `${receiver.url}${HOOK}`, '--slack-webhook-url', `${receiver.url}${SLACK}`];
  return { env, queues: await openQueues(prefix), receiver, worker, sinkArgs };
}

const keysAt = (receiver: NotifyReceiver, path: string) => new Set(receiver.accepted(path).map((received) => received.idempotencyKey));

async function allDelivered(run: Run, ids: string[], paths: string[], timeoutMs: number): Promise<void> {
  await waitFor(
    () => paths.every((path) => keysAt(run.receiver, path).size >= ids.length),
    timeoutMs,
    () => paths.map((path) => `${path}: ${keysAt(run.receiver, path).size} of ${ids.length}`).join(', '),
  );
  for (const path of paths) expect([...keysAt(run.receiver, path)].sort()).toEqual([...ids].sort());
  // Every report finished (none waiting, delayed or held by a dead replica), so that duplicates are all in.
  await waitFor(
    async () => (await run.queues.results.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')) === 0,
    timeoutMs,
    () => 'notify to take every report',
  );
}

async function finish(run: Run, notify: SpawnedProcess): Promise<void> {
  notify.child.kill('SIGTERM');
  expect(await notify.exited).toBe(0);
  await stopAll([run.worker]);
  await run.queues.close();
}

describe('promptrca notify', () => {
  it('delivers every investigation of 40 alarms to a webhook and to Slack, in their documented shapes', async () => {
    const run = await pipeline('notify-40');
    const notify = await startNotify(run.env, run.sinkArgs);
    const ids = await enqueueAll(run.queues, distinctAlarms(40), ENQUEUE_SETTINGS);
    await allDelivered(run, ids, [HOOK, SLACK], 60_000);
    expect(duplicatesAt(run.receiver, HOOK)).toBe(0);
    expect(duplicatesAt(run.receiver, SLACK)).toBe(0);

    for (const received of run.receiver.accepted(HOOK)) {
      const body = received.body;
      expect(body.investigation_id).toBe(received.idempotencyKey);
      expect(ReportSchema.parse(body.report).investigation_id).toBe(received.idempotencyKey);
      expect(body).toMatchObject({
        event: 'report',
        orchestrator_type: 'direct_invocation',
        status: 'completed',
        alarm: { name: 'orders-api-errors', region: 'us-east-1', account: '123456789012' },
        root_cause: { type: 'timeout' },
        summary: { status: 'completed' },
      });
      expect(body.text).toMatch(
        new RegExp(`^orders-api-errors: timeout \\(confidence 0\\.\\d\\d\\) — .+ \\[investigation ${received.idempotencyKey}\\]$`),
      );
    }
    for (const received of run.receiver.accepted(SLACK)) {
      const { text, blocks } = received.body as { text: string; blocks: Array<Record<string, any>> };
      expect(text).toContain('orders-api-errors: timeout');
      expect(blocks.length).toBeGreaterThan(2);
      expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      for (const block of blocks) expect(KNOWN_BLOCKS).toContain(block.type);
      expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
      expect(blocks[0]?.text.text).toMatch(/^orders-api-errors: timeout \(confidence 0\.\d\d\)$/);
      for (const block of blocks.filter((b) => b.type === 'section'))
        expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(blocks.some((b) => b.type === 'section' && b.text.text.startsWith('*Evidence*\n> '))).toBe(true);
      expect(blocks.some((b) => b.type === 'section' && b.text.text.startsWith('*Advice*\n• '))).toBe(true);
      expect(blocks.at(-1)).toMatchObject({ type: 'context' });
      expect(blocks.at(-1)?.elements[0].text).toContain(`Investigation \`${received.idempotencyKey}\` · direct_invocation · `);
    }

    // Probes and counters: alive and ready, 40 deliveries per sink.
    const metricsUrl = notifyMetricsUrl(notify);
    expect((await fetch(metricsUrl.replace(/metrics$/, 'livez'))).status).toBe(200);
    expect((await fetch(metricsUrl.replace(/metrics$/, 'readyz'))).status).toBe(200);
    const samples = parseExposition(await (await fetch(metricsUrl)).text());
    expect(sampleValue(samples, 'promptrca_notify_deliveries_total', { kind: 'webhook', outcome: 'delivered' })).toBe(40);
    expect(sampleValue(samples, 'promptrca_notify_deliveries_total', { kind: 'slack', outcome: 'delivered' })).toBe(40);
    // What notify consumes is the results queue itself: nothing left waiting there.
    expect(sampleValue(samples, 'promptrca_notify_queue_jobs', { queue: 'promptrca-results', state: 'waiting' })).toBe(0);
    expect(sampleValue(samples, 'promptrca_notify_queue_jobs', { queue: 'promptrca-notifications', state: 'failed' })).toBe(0);

    // The reports stay on the results queue for results, compare and the guard.
    const results = await runCli(['results', '--json', '--last', '5'], run.env);
    expect(results.stdout.trim().split('\n')).toHaveLength(5);
    expect(notify.stdout() + notify.stderr()).not.toContain('secret-token');
    await finish(run, notify);
  }, 120_000);

  it('loses nothing while the webhook answers 503 for 10 s, and does not send Slack a report again meanwhile', async () => {
    let downFrom: number | null = null;
    let accepted = 0;
    const run = await pipeline('notify-503', (path) => {
      if (path !== HOOK) return { status: 200 };
      if (downFrom === null && accepted >= 10) downFrom = Date.now();
      if (downFrom !== null && Date.now() - downFrom < 10_000) return { status: 503, headers: { 'retry-after': '1' } };
      accepted += 1;
      return { status: 200 };
    });
    const notify = await startNotify(run.env, run.sinkArgs);
    const ids = await enqueueAll(run.queues, distinctAlarms(40, Date.UTC(2024, 3, 1)), ENQUEUE_SETTINGS);
    await allDelivered(run, ids, [HOOK, SLACK], 90_000);
    const refused = run.receiver.requests.filter((received) => received.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    // Without a crash there is no window for a duplicate: each sink took each report exactly once.
    expect(duplicatesAt(run.receiver, HOOK)).toBe(0);
    expect(duplicatesAt(run.receiver, SLACK)).toBe(0);
    expect(run.receiver.requests.filter((received) => received.path === SLACK)).toHaveLength(40);
    await finish(run, notify);
  }, 150_000);

  it('loses nothing when notify is killed with SIGKILL mid-run and restarted; duplicates only where a 2xx was not yet recorded', async () => {
    const run = await pipeline('notify-kill', () => ({ status: 200, delayMs: 150 }));
    const first = await startNotify(run.env, run.sinkArgs);
    const ids = await enqueueAll(run.queues, distinctAlarms(40, Date.UTC(2024, 4, 1)), ENQUEUE_SETTINGS);
    await waitFor(
      () => run.receiver.accepted(HOOK).length >= 10,
      60_000,
      () => 'ten webhook deliveries',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    // Let the receiver answer what was in flight: those 2xx reach no one.
    await sleep(400);
    const state = new DeliveryState(run.queues.redis, String(run.env.PROMPTRCA_QUEUE_PREFIX), 3600);
    const recorded = async (path: string) => {
      const sinkId = path === HOOK ? 'webhook' : 'slack';
      const done = new Set<string>();
      for (const id of ids) {
        const states = await state.states(id);
        if (Object.entries(states).some(([sink, value]) => sink.startsWith(sinkId) && value === 'delivered')) done.add(id);
      }
      return done;
    };
    // The window: taken by the receiver (2xx) before the kill, but not recorded as delivered.
    const window = new Map<string, Set<string>>();
    for (const path of [HOOK, SLACK]) {
      const done = await recorded(path);
      window.set(path, new Set([...keysAt(run.receiver, path)].filter((key) => key !== undefined && !done.has(key)) as string[]));
    }

    const second = await startNotify(run.env, run.sinkArgs);
    await allDelivered(run, ids, [HOOK, SLACK], 90_000);
    for (const path of [HOOK, SLACK]) {
      const counts = new Map<string, number>();
      for (const received of run.receiver.accepted(path))
        counts.set(String(received.idempotencyKey), (counts.get(String(received.idempotencyKey)) ?? 0) + 1);
      const duplicated = [...counts].filter(([, count]) => count > 1).map(([key]) => key);
      for (const key of duplicated) expect(window.get(path)).toContain(key);
      expect(duplicatesAt(run.receiver, path)).toBe(duplicated.length);
      // Stated for the record: how many the kill cost, at most one per delivery in flight.
      console.info(`kill -9 of notify: ${path} got ${duplicated.length} duplicates (window held ${window.get(path)?.size})`);
      expect(duplicated.length).toBeLessThanOrEqual(window.get(path)?.size ?? 0);
    }
    await finish(run, second);
  }, 150_000);

  it('delivers a report whose notify is killed twice while delivering it (BullMQ fails a job on its second stall unless told otherwise)', async () => {
    let arrivals = 0;
    let hang = true;
    // Held below notify's 10 s request timeout, so the delivery is in flight when notify is killed.
    const run = await pipeline('notify-twice', () => {
      arrivals += 1;
      return { status: 200, delayMs: hang ? 8_000 : 0 };
    });
    const ids = await enqueueAll(run.queues, distinctAlarms(1, Date.UTC(2024, 7, 1)), ENQUEUE_SETTINGS);
    for (const round of [1, 2]) {
      const before = arrivals;
      const notify = await startNotify(run.env, run.sinkArgs);
      await waitFor(
        () => arrivals > before,
        30_000,
        () => `notify ${round} to start delivering`,
      );
      notify.child.kill('SIGKILL');
      await notify.exited;
    }
    hang = false;
    const last = await startNotify(run.env, run.sinkArgs);
    await allDelivered(run, ids, [HOOK, SLACK], 60_000);
    // The killed replicas' requests reached the receiver too; what matters is that notify took the
    // report over a third time and recorded it, rather than failing it for stalling twice.
    const state = new DeliveryState(run.queues.redis, String(run.env.PROMPTRCA_QUEUE_PREFIX), 3600);
    await waitFor(
      async () => Object.values(await state.states(ids[0] as string)).join() === 'delivered,delivered',
      30_000,
      () => 'the third notify to record both deliveries',
    );
    expect(await run.queues.results.getFailedCount()).toBe(0);
    await finish(run, last);
  }, 120_000);

  it('marks a sink that answers 404 undeliverable, once per report, and delivers to the other sink as usual', async () => {
    const run = await pipeline('notify-404', (path) => (path === SLACK ? { status: 404, headers: {} } : { status: 200 }));
    const notify = await startNotify(run.env, run.sinkArgs);
    const ids = await enqueueAll(run.queues, distinctAlarms(10, Date.UTC(2024, 5, 1)), ENQUEUE_SETTINGS);
    await allDelivered(run, ids, [HOOK], 60_000);
    await waitFor(() => run.receiver.requests.filter((received) => received.path === SLACK).length >= 10, 30_000);
    await sleep(2_500);
    const slackRequests = run.receiver.requests.filter((received) => received.path === SLACK);
    expect(slackRequests).toHaveLength(10);
    expect(new Set(slackRequests.map((received) => received.idempotencyKey)).size).toBe(10);
    expect(duplicatesAt(run.receiver, HOOK)).toBe(0);
    const state = new DeliveryState(run.queues.redis, String(run.env.PROMPTRCA_QUEUE_PREFIX), 3600);
    for (const id of ids) {
      const values = Object.entries(await state.states(id));
      expect(values.find(([sink]) => sink.startsWith('webhook-'))?.[1]).toBe('delivered');
      expect(values.find(([sink]) => sink.startsWith('slack-'))?.[1]).toBe('undeliverable: HTTP 404: no');
    }
    const errors = logLines(notify.stdout()).filter((line) => line.level === 'error');
    expect(errors).toHaveLength(10);
    expect(errors[0]?.message).toMatch(/^undeliverable to slack sink slack-[0-9a-f]{8} \(http:\/\/127\.0\.0\.1:\d+\/…\): HTTP 404/);
    expect(errors[0]?.status).toBe(404);
    expect(notify.stdout()).not.toContain('secret-token');
    await finish(run, notify);
  }, 120_000);

  it("announces the guard's automatic rollback and an operator's rollout rollback to every sink, queued while notify was down", async () => {
    const prefix = uniquePrefix('notify-rollback');
    prefixes.push(prefix);
    const receiver = await startNotifyReceiver();
    receivers.push(receiver);
    const env = { PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_OPERATOR: 'alice' };
    const queues = await openQueues(prefix);
    expect((await runCli(['rollout', 'set', '--enabled', 'true', '--percentage', '25'], env)).code).toBe(0);
    const startedAt = new Date().toISOString();
    const publisher = new ResultsPublisher(queues);
    const failing = craftReports('direct_invocation', 40, (i) => ({
      startedAt,
      ...(i < 8 ? { status: 'failed' as const, error: 'ThrottlingException: Rate exceeded', errorKind: 'transient' as const } : {}),
    }));
    for (const report of [...failing, ...craftReports('agent_tools', 40, () => ({ startedAt }))]) await publisher.publish(report);
    const guard = await runCli(['rollout', 'guard', '--once', '--json'], env);
    expect(JSON.parse(guard.stdout)).toMatchObject({
      rolled_back: { changes: [{ field: 'percentage', old: '25', new: '0' }] },
      announcement_error: null,
    });
    expect((await runCli(['rollout', 'set', '--percentage', '10'], env)).code).toBe(0);
    expect((await runCli(['rollout', 'rollback', '--reason', 'pager says so'], env)).code).toBe(0);

    const notify = await startNotify(env, ['--webhook-url', `${receiver.url}${HOOK}`, '--slack-webhook-url', `${receiver.url}${SLACK}`]);
    const changesAt = (path: string) =>
      receiver.accepted(path).filter((received) => String(received.idempotencyKey).startsWith('rollout-change-'));
    await waitFor(
      () => changesAt(HOOK).length >= 2 && changesAt(SLACK).length >= 2,
      30_000,
      () => 'two rollout changes at each sink',
    );
    // Delivered in parallel, so in either order: the guard's first here.
    const hooks = changesAt(HOOK)
      .map((received) => received.body as { event: string; text: string; change: { automatic: boolean; who: string; reason: string } })
      .sort((a, b) => Number(b.change.automatic) - Number(a.change.automatic));
    expect(hooks.map((body) => [body.event, body.change.automatic, body.change.who])).toEqual([
      ['rollout_change', true, 'alice (rollout guard)'],
      ['rollout_change', false, 'alice'],
    ]);
    expect(hooks[0]?.change.reason).toMatch(/^guard: error_rate gate: direct_invocation error rate 20\.00% \(8 of 40\)/);
    expect(hooks[1]?.text).toBe('PromptRCA rollout changed by alice: percentage 10 → 0 (pager says so)');
    const headers = changesAt(SLACK).map(
      (received) => (received.body as { blocks: Array<{ text: { text: string } }> }).blocks[0]?.text.text,
    );
    expect(headers.sort()).toEqual(['PromptRCA rollout changed', 'PromptRCA rollout rolled back by the guard']);
    notify.child.kill('SIGTERM');
    expect(await notify.exited).toBe(0);
    await queues.close();
  }, 60_000);

  it('delivers a report added to promptrca-results by a plain BullMQ Queue.add, and keeps it there completed', async () => {
    const prefix = uniquePrefix('notify-plain-add');
    prefixes.push(prefix);
    const receiver = await startNotifyReceiver();
    receivers.push(receiver);
    // Another program's producer: a Queue of its own, no ResultsPublisher, no notifications queue.
    const redis = await connectRedis(REDIS_URL, 'command');
    const results = new Queue(RESULTS_QUEUE, { connection: redis, prefix });
    const [primary, shadow] = [
      craftReport('direct_invocation', { id: 'inv-plain-add' }),
      craftReport('agent_tools', { id: 'inv-plain-add', shadow: true }),
    ];
    await results.add('direct_invocation', primary, { jobId: 'inv-plain-add' });
    await results.add('agent_tools', shadow, { jobId: 'inv-plain-add-shadow' });
    const notify = await startNotify({ PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_NOTIFY_REPEATS: 'send' }, [
      '--webhook-url',
      `${receiver.url}${HOOK}`,
      '--slack-webhook-url',
      `${receiver.url}${SLACK}`,
    ]);
    try {
      await waitFor(
        async () => (await results.getCompletedCount()) === 2,
        20_000,
        () => 'both reports completed',
      );
      expect(receiver.accepted(HOOK).map((received) => received.idempotencyKey)).toEqual(['inv-plain-add']);
      expect(receiver.accepted(SLACK).map((received) => received.idempotencyKey)).toEqual(['inv-plain-add']);
      // The shadow report completed without a request, and both stay for results, compare and the guard.
      expect(receiver.requests).toHaveLength(2);
      expect((await results.getJob('inv-plain-add-shadow'))?.returnvalue).toMatchObject({ shadow: true });
      expect(await results.getJobCountByTypes('waiting', 'active', 'delayed', 'failed')).toBe(0);
    } finally {
      notify.child.kill('SIGTERM');
      expect(await notify.exited).toBe(0);
      await results.close();
      redis.disconnect();
    }
  }, 40_000);

  it('exits 2 naming the options and variables when no sink is given', async () => {
    const result = await runCli(['notify'], { PROMPTRCA_QUEUE_PREFIX: uniquePrefix('notify-none') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'no sink to deliver to: give --webhook-url or --slack-webhook-url, or set PROMPTRCA_NOTIFY_WEBHOOK_URLS',
    );
    const bad = await runCli(['notify'], { PROMPTRCA_NOTIFY_SLACK_WEBHOOK_URLS: 'ftp://example.com/x' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'PROMPTRCA_NOTIFY_SLACK_WEBHOOK_URLS="ftp://example.com/x" is not valid: allowed comma-separated http:// or https:// URLs',
    );
  });
});
