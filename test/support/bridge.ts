import { Writable } from 'node:stream';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Registry } from 'prom-client';
import winston from 'winston';
import { SqsBridge, type SqsBridgeOptions } from '../../src/producer/sqs-bridge.js';
import { BridgeCounters } from '../../src/producer/sqs-bridge-metrics.js';
import { describeQueue } from '../../src/producer/sqs-queue.js';
import type { PromptRcaQueues } from '../../src/report/queues.js';

export type LogEntry = { level: string; message: string } & Record<string, unknown>;

/** A winston logger that keeps every entry, for asserting what an on-call engineer would read. */
export function memoryLogger(): { log: winston.Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const stream = new Writable({
    objectMode: true,
    write(entry: LogEntry, _encoding, done) {
      entries.push(entry);
      done();
    },
  });
  return { log: winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] }), entries };
}

export interface RunningBridge {
  bridge: SqsBridge;
  counters: BridgeCounters;
  registry: Registry;
  entries: LogEntry[];
}

/** An SqsBridge as the command builds it, on the given SQS client and queues, already started. */
export async function startBridge(
  sqs: SQSClient,
  queues: PromptRcaQueues,
  queueUrl: string,
  options: { dlqUrl?: string } & Partial<Pick<SqsBridgeOptions, 'waitTimeSeconds' | 'backoff' | 'settings'>> = {},
): Promise<RunningBridge> {
  const { log, entries } = memoryLogger();
  const registry = new Registry();
  const counters = new BridgeCounters(registry);
  const bridge = new SqsBridge({
    sqs,
    queue: await describeQueue(sqs, queueUrl, '--queue-url'),
    deadLetterQueue: options.dlqUrl ? await describeQueue(sqs, options.dlqUrl, '--dlq-url') : null,
    investigations: queues.investigations,
    redis: queues.redis,
    counters,
    log,
    settings: options.settings ?? { dedupeTtlSeconds: 3_600, attempts: 1, backoffSeconds: 1 },
    waitTimeSeconds: options.waitTimeSeconds,
    backoff: options.backoff,
  });
  bridge.start();
  return { bridge, counters, registry, entries };
}
