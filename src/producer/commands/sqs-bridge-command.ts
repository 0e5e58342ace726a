import type { Command } from 'commander';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DEFAULT_METRICS_PORT } from '../../platform/config.js';
import { logger, warnIfNodePastEndOfLife } from '../../platform/log.js';
import { startMetricsServer } from '../../platform/metrics-server.js';
import { metricsAddressFrom } from '../../platform/metrics-settings.js';
import { describeRedisTarget } from '../../platform/redis-connection.js';
import { firstShutdownSignal } from '../../platform/signals.js';
import { describeAlarmLimits } from '../alarm-text.js';
import { enqueueSettingsFromEnv } from '../enqueue-settings.js';
import { SqsQueueError } from '../errors.js';
import { connectInvestigationsQueue, INVESTIGATIONS_QUEUE } from '../investigations-queue.js';
import { SqsBridge } from '../sqs-bridge.js';
import { BridgeCounters } from '../sqs-bridge-metrics.js';
import { checkQueueUrl, describeQueue, sqsClientFor } from '../sqs-queue.js';

interface SqsBridgeCommandOptions {
  queueUrl: string;
  dlqUrl?: string;
  metricsPort?: string;
}

/** Runs until SIGTERM/SIGINT; a bad URL, a missing queue or refused credentials stop it at start (exit 2). */
export async function runSqsBridge(options: SqsBridgeCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const queueUrl = checkQueueUrl(options.queueUrl, '--queue-url');
  const dlqUrl = options.dlqUrl === undefined ? null : checkQueueUrl(options.dlqUrl, '--dlq-url');
  if (dlqUrl === queueUrl) throw new SqsQueueError('--dlq-url is the --queue-url itself: give a separate dead-letter queue');
  const metricsAddress = metricsAddressFrom(options.metricsPort, env);
  const settings = enqueueSettingsFromEnv(env);

  const sqs = await sqsClientFor(queueUrl, env);
  try {
    const queue = await describeQueue(sqs, queueUrl, '--queue-url');
    const deadLetterQueue = dlqUrl === null ? null : await describeQueue(sqs, dlqUrl, '--dlq-url');
    const queues = await connectInvestigationsQueue(env);

    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const bridge = new SqsBridge({
      sqs,
      queue,
      deadLetterQueue,
      investigations: queues.investigations,
      redis: queues.redis,
      counters: new BridgeCounters(registry),
      log: logger,
      settings,
    });
    const metrics = await startMetricsServer({
      registry,
      health: () => bridge.readiness(),
      ...metricsAddress,
    }).catch(async (error: unknown) => {
      await queues.close();
      throw error;
    });

    const signal = firstShutdownSignal(logger, 'the messages in hand come back to SQS after their visibility timeout');
    bridge.start();
    warnIfNodePastEndOfLife(logger);
    logger.info('sqs bridge started', {
      queue_url: queue.url,
      dlq_url: deadLetterQueue?.url ?? null,
      visibility_timeout_seconds: queue.visibilityTimeoutSeconds,
      redrive_policy: queue.redrive,
      investigations_queue: INVESTIGATIONS_QUEUE,
      redis: describeRedisTarget(queues.target),
      prefix: queues.prefix,
      metrics: `${metrics.url}/metrics`,
    });
    if (!deadLetterQueue && !queue.redrive) {
      logger.warn(
        "the queue has no redrive policy and no --dlq-url was given: poison messages come back until the queue's retention period ends",
      );
    }

    logger.info(`${await signal} received: finishing the batch in hand`);
    await bridge.stop();
    await Promise.all([metrics.close(), queues.close()]);
    return 0;
  } finally {
    sqs.destroy();
  }
}

export function registerSqsBridgeCommand(program: Command): void {
  program
    .command('sqs-bridge')
    .description('move CloudWatch alarm notifications from an SQS queue onto the investigations queue')
    .requiredOption('--queue-url <url>', 'the SQS queue the alarms arrive on (SNS envelope, raw SNS delivery or EventBridge event)')
    .option('--dlq-url <url>', 'send messages that are not alarms here, with the error in the promptrca_error attribute, then delete them')
    .option(
      '--metrics-port <n>',
      `serve /metrics, /livez and /readyz on this port (env PROMPTRCA_METRICS_PORT, default ${DEFAULT_METRICS_PORT}; 0 = any free port)`,
    )
    .addHelpText(
      'after',
      '\nLong-polls the queue (20 s, batches of 10) and enqueues each alarm with its investigation ID as job id,\n' +
        'so a duplicate (SQS redelivery, the same alarm notified twice) is investigated once. A message is\n' +
        'deleted only once Redis acknowledged its job. OK and INSUFFICIENT_DATA transitions are deleted and\n' +
        'counted as skipped. Messages that are not alarms (poison) go to --dlq-url, or without it stay for the\n' +
        "queue's own redrive policy; each is logged with the reason. While Redis is unavailable nothing is\n" +
        'deleted: receiving pauses, backing off from 1 s to 30 s, and resumes by itself.\n' +
        'SIGTERM/SIGINT: finish the batch in hand, then exit 0. Run several replicas on one queue to scale.\n' +
        'Region, credentials and endpoint come from the AWS SDK chain (AWS_REGION, AWS_PROFILE,\n' +
        'AWS_ENDPOINT_URL_SQS); Redis from REDIS_URL, PROMPTRCA_QUEUE_PREFIX. /metrics binds to\n' +
        'PROMPTRCA_METRICS_HOST (default 127.0.0.1); /livez answers 200 while the process runs; /readyz (alias\n' +
        '/healthz) answers 503 while Redis or SQS is unavailable.\n' +
        'At start, Redis or SQS unreachable is exit 1; a bad URL, a missing queue, refused credentials or\n' +
        'another bad setting is exit 2.\n' +
        `Limits: ${describeAlarmLimits()}.\n` +
        'Example: promptrca sqs-bridge --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/alarms',
    )
    .action(async (options: SqsBridgeCommandOptions) => {
      process.exitCode = await runSqsBridge(options);
    });
}
