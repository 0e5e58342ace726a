import { describe, expect, it } from 'vitest';
import { DeliveryState } from '../src/report/notify/delivery-state.js';
import { ResultsPublisher } from '../src/report/results-publisher.js';
import { craftReport } from './support/crafted-reports.js';
import { useNotifyTestResources } from './support/notify-processes.js';
import { type ReceiverAnswer, startNotifyReceiver } from './support/notify-receiver.js';
import { logLines, openQueues, uniquePrefix, waitFor } from './support/pipeline.js';

const HOOK = '/hook';
const { prefixes, receivers, startNotify } = useNotifyTestResources();

/**
 * One report published under a fresh prefix, notify started on a webhook receiver that answers as
 * `answer` says for the n-th request (from 0); every request's arrival time is kept.
 */
async function deliverOne(name: string, id: string, answer: (n: number) => ReceiverAnswer) {
  const prefix = uniquePrefix(name);
  prefixes.push(prefix);
  const arrivals: number[] = [];
  const receiver = await startNotifyReceiver(() => answer(arrivals.push(Date.now()) - 1));
  receivers.push(receiver);
  const queues = await openQueues(prefix);
  await new ResultsPublisher(queues).publish(craftReport('direct_invocation', { id }));
  const env = { PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_NOTIFY_REPEATS: 'send' };
  const notify = await startNotify(env, ['--webhook-url', `${receiver.url}${HOOK}`]);
  const state = new DeliveryState(queues.redis, prefix, 3_600);
  const webhookState = async () => Object.entries(await state.states(id)).find(([sink]) => sink.startsWith('webhook-'))?.[1];
  return { queues, receiver, arrivals, notify, webhookState };
}

describe('notify retries and shutdown', () => {
  it('waits at least the Retry-After of a 429 when it is longer than the backoff', async () => {
    // The first backoff is 1 s (±20%); the receiver asks for 3 s.
    const run = await deliverOne('notify-429', 'inv-429', (n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '3' } } : { status: 200 },
    );
    try {
      await waitFor(
        async () => (await run.webhookState()) === 'delivered',
        20_000,
        () => `delivery after the 429: ${run.arrivals.length} requests`,
      );
      expect(run.arrivals).toHaveLength(2);
      expect((run.arrivals[1] ?? 0) - (run.arrivals[0] ?? 0)).toBeGreaterThanOrEqual(3_000);
      expect(run.receiver.requests.map((received) => received.status)).toEqual([429, 200]);
      const warned = logLines(run.notify.stdout()).filter((line) => line.level === 'warn');
      expect(warned[0]?.message).toMatch(/^webhook sink webhook-[0-9a-f]{8} \(.+\) will be tried again: HTTP 429/);
    } finally {
      run.notify.child.kill('SIGTERM');
      expect(await run.notify.exited).toBe(0);
      await run.queues.close();
    }
  }, 40_000);

  it('tries again after a network error (the connection closed unanswered)', async () => {
    const run = await deliverOne('notify-network', 'inv-network', (n) => (n < 2 ? { status: 200, drop: true } : { status: 200 }));
    try {
      await waitFor(
        async () => (await run.webhookState()) === 'delivered',
        30_000,
        () => `delivery after dropped connections: ${run.arrivals.length} requests`,
      );
      expect(run.arrivals).toHaveLength(3);
      expect(run.receiver.accepted(HOOK).map((received) => received.idempotencyKey)).toEqual(['inv-network']);
      const retried = logLines(run.notify.stdout()).filter(
        (line) => line.level === 'warn' && String(line.message).includes('will be tried again'),
      );
      expect(retried).toHaveLength(2);
    } finally {
      run.notify.child.kill('SIGTERM');
      expect(await run.notify.exited).toBe(0);
      await run.queues.close();
    }
  }, 40_000);

  it('on SIGTERM mid-delivery, finishes the delivery, records it and exits 0', async () => {
    const run = await deliverOne('notify-sigterm', 'inv-sigterm', () => ({ status: 200, delayMs: 3_000 }));
    await waitFor(
      () => run.arrivals.length === 1,
      20_000,
      () => 'the delivery to start',
    );
    run.notify.child.kill('SIGTERM');
    const code = await run.notify.exited;
    const exitedAt = Date.now();
    const answeredAt = (run.arrivals[0] ?? 0) + 3_000;
    expect(code).toBe(0);
    // It waited for the receiver's answer rather than dropping the request.
    expect(exitedAt).toBeGreaterThanOrEqual(answeredAt);
    expect(run.receiver.accepted(HOOK)).toHaveLength(1);
    expect(await run.webhookState()).toBe('delivered');
    const messages = logLines(run.notify.stdout()).map((line) => String(line.message));
    expect(messages.indexOf('notify stopped')).toBeGreaterThan(
      messages.findIndex((message) => message.startsWith('delivered to webhook sink')),
    );
    await run.queues.close();
  }, 40_000);
});
