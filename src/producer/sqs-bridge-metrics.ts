import { Counter, type Registry } from 'prom-client';
import { MESSAGE_OUTCOMES, type MessageOutcome } from './sqs-message-outcome.js';

export type BridgeCounts = Record<'received' | MessageOutcome, number>;

/**
 * The bridge's counters, kept as numbers for its log lines and exported as Prometheus counters.
 * Every receive counts: a poison message left for the redrive policy counts once per delivery.
 */
export class BridgeCounters {
  readonly counts: BridgeCounts = { received: 0, enqueued: 0, duplicate: 0, skipped: 0, poison: 0, retried: 0 };
  private readonly received: Counter;
  private readonly outcomes: Counter<'outcome'>;

  constructor(registry: Registry) {
    this.received = new Counter({
      name: 'promptrca_sqs_bridge_received_total',
      help: 'SQS messages received by the bridge (redeliveries included)',
      registers: [registry],
    });
    this.outcomes = new Counter({
      name: 'promptrca_sqs_bridge_messages_total',
      help:
        'SQS messages by outcome: enqueued (new investigation), duplicate (already enqueued), skipped (OK / INSUFFICIENT_DATA), ' +
        'poison (not an alarm), retried (Redis did not take it; left in SQS)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    // Present at zero from the start, so rate() and alerts see every outcome.
    for (const outcome of MESSAGE_OUTCOMES) this.outcomes.inc({ outcome }, 0);
  }

  addReceived(count: number): void {
    this.counts.received += count;
    this.received.inc(count);
  }

  addOutcome(outcome: MessageOutcome): void {
    this.counts[outcome] += 1;
    this.outcomes.inc({ outcome });
  }
}
