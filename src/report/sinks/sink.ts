import { createHash } from 'node:crypto';
import type { Notice } from './notice.js';
import { slackMessage } from './slack-message.js';
import { webhookPayload } from './webhook-payload.js';

export const SINK_KINDS = ['webhook', 'slack'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

/** Where notices go, and the body each one gets there. */
export interface Sink {
  kind: SinkKind;
  url: string;
  /**
   * Stable across restarts and replicas (kind and a hash of the URL), so the delivery state recorded
   * under it still applies; safe to log and to use as a metric label, unlike the URL, whose path is
   * the secret of a Slack incoming webhook.
   */
  id: string;
  /** The URL as logs show it: scheme and host only. */
  label: string;
  body(notice: Notice): unknown;
}

const BODIES: Record<SinkKind, (notice: Notice) => unknown> = { webhook: webhookPayload, slack: slackMessage };

export function createSink(kind: SinkKind, url: string): Sink {
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 8);
  return { kind, url, id: `${kind}-${hash}`, label: `${new URL(url).origin}/…`, body: BODIES[kind] };
}

/** The sinks given by options, else by the environment; a URL given twice is one sink. */
export function sinksFrom(urls: { webhook: readonly string[]; slack: readonly string[] }): Sink[] {
  const sinks = [...urls.webhook.map((url) => createSink('webhook', url)), ...urls.slack.map((url) => createSink('slack', url))];
  return sinks.filter((sink, index) => sinks.findIndex((other) => other.id === sink.id) === index);
}
