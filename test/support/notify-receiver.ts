import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One POST as the receiver read it. */
export interface Received {
  path: string;
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
  /** The status the receiver answered. */
  status: number;
}

/**
 * How the receiver answers one request: a status, optional headers, after an optional delay; or,
 * with `drop`, by closing the connection unanswered (a network error to the sender).
 */
export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
  drop?: boolean;
}

export interface NotifyReceiver {
  /** http://127.0.0.1:port, to which sink paths are appended. */
  url: string;
  /** Every request, failed answers included, in the order they arrived. */
  requests: Received[];
  /** The requests to one path that were answered 2xx. */
  accepted(path: string): Received[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A webhook receiver on 127.0.0.1 standing in for a customer's endpoint and for Slack: records every
 * POST and answers as `answer` decides (by default 200 at once), so that a test can be down, slow or
 * refusing.
 */
export async function startNotifyReceiver(answer: (path: string) => ReceiverAnswer = () => ({ status: 200 })): Promise<NotifyReceiver> {
  const requests: Received[] = [];
  const server = createServer(async (request, response) => {
    const text = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const reply = answer(path);
    if (reply.delayMs) await sleep(reply.delayMs);
    if (reply.drop) {
      request.socket.destroy();
      return;
    }
    const key = request.headers['idempotency-key'];
    requests.push({
      path,
      idempotencyKey: Array.isArray(key) ? key[0] : key,
      body: JSON.parse(text) as Record<string, unknown>,
      status: reply.status,
    });
    response.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
    response.end(reply.status < 300 ? 'ok' : 'no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: (path) => requests.filter((received) => received.path === path && received.status < 300),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** How many notices a sink took more than once (the same Idempotency-Key answered 2xx twice or more). */
export function duplicatesAt(receiver: NotifyReceiver, path: string): number {
  const counts = new Map<string, number>();
  for (const received of receiver.accepted(path))
    counts.set(received.idempotencyKey ?? '', (counts.get(received.idempotencyKey ?? '') ?? 0) + 1);
  return [...counts.values()].reduce((sum, count) => sum + (count - 1), 0);
}
