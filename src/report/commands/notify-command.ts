import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { Command } from 'commander';
import { DEFAULT_METRICS_PORT, loadConfig, wholeNumberOption } from '../../platform/config.js';
import { errorMessage, InputError } from '../../platform/errors.js';
import { logger } from '../../platform/log.js';
import type { MetricsServer } from '../../platform/metrics-server.js';
import { startMetricsServer } from '../../platform/metrics-server.js';
import { metricsAddressFrom } from '../../platform/metrics-settings.js';
import { redisReadiness, writeProbeKey } from '../../platform/readiness.js';
import { describeRedisTarget } from '../../platform/redis-connection.js';
import { firstShutdownSignal } from '../../platform/signals.js';
import { DeliveryState } from '../notify/delivery-state.js';
import { IncidentRepeats } from '../notify/incident-repeats.js';
import { type NotificationProcessorDeps, reportProcessor, rolloutChangeProcessor } from '../notify/notification-processor.js';
import { NOTIFICATIONS_QUEUE, type RolloutChangeNotification } from '../notify/notifications-queue.js';
import { NotifyMetrics } from '../notify/notify-metrics.js';
import { connectQueues, RESULTS_QUEUE } from '../queues.js';
import type { Report } from '../report.js';
import { resultsTrimmer } from '../results-publisher.js';
import { QueueTrimmer, retentionFromEnv } from '../retention.js';
import { type Sink, sinksFrom } from '../sinks/sink.js';

interface NotifyOptions {
  webhookUrl: string[];
  slackWebhookUrl: string[];
  concurrency: number;
  metricsPort?: string;
}

/** How often notify applies the results retention, so that it holds even when no worker publishes. */
const TRIM_INTERVAL_MS = 60_000;

/** Rollout changes are rare: a couple at once is plenty. */
const ROLLOUT_CHANGE_CONCURRENCY = 2;

/** How often a job may be taken over from a notify that died with it: at the default lock, days of crashes. */
const MAX_STALLS = 10_000;

const collect = (value: string, previous: string[]) => [...previous, value];

/** The options' URLs, else the environment's; none at all is a configuration error (exit 2). */
function configuredSinks(options: NotifyOptions, env: NodeJS.ProcessEnv): Sink[] {
  const config = loadConfig(env);
  const given = options.webhookUrl.length + options.slackWebhookUrl.length > 0;
  for (const url of [...options.webhookUrl, ...options.slackWebhookUrl]) {
    if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
      throw new InputError(`${JSON.stringify(url)} is not valid: allowed an http:// or https:// URL`);
    }
  }
  const sinks = sinksFrom(
    given
      ? { webhook: options.webhookUrl, slack: options.slackWebhookUrl }
      : { webhook: config.PROMPTRCA_NOTIFY_WEBHOOK_URLS, slack: config.PROMPTRCA_NOTIFY_SLACK_WEBHOOK_URLS },
  );
  if (sinks.length === 0) {
    throw new InputError(
      'no sink to deliver to: give --webhook-url or --slack-webhook-url, or set PROMPTRCA_NOTIFY_WEBHOOK_URLS or PROMPTRCA_NOTIFY_SLACK_WEBHOOK_URLS',
    );
  }
  return sinks;
}

/** Runs until SIGTERM/SIGINT, then finishes the deliveries in flight and exits 0. */
export async function runNotify(options: NotifyOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const sinks = configuredSinks(options, env);
  const retention = retentionFromEnv(env);
  const config = loadConfig(env);
  const metricsAddress = metricsAddressFrom(options.metricsPort, env);
  const queues = await connectQueues(env, 'worker');
  const stopping = new AbortController();
  const metrics = new NotifyMetrics({ consumed: [queues.results, queues.notifications], redis: queues.redis, sinks });
  const deps: NotificationProcessorDeps = {
    sinks,
    state: new DeliveryState(queues.redis, queues.prefix, Math.ceil(retention.maxAgeMs / 1_000)),
    retention,
    metrics,
    log: logger,
    ...(config.PROMPTRCA_NOTIFY_REPEATS === 'mute'
      ? {
          repeats: new IncidentRepeats({
            redis: queues.redis,
            keyPrefix: queues.prefix,
            windowMinutes: config.PROMPTRCA_RELATED_WINDOW_MINUTES,
          }),
        }
      : {}),
  };
  const workerOptions = (concurrency: number) => ({
    connection: queues.redis,
    prefix: queues.prefix,
    autorun: false,
    name: `${hostname()}:${process.pid}`,
    concurrency,
    // A replica killed mid-delivery: another (or its restart) takes the job over once the lock lapses.
    lockDuration: config.PROMPTRCA_LOCK_DURATION_MS,
    stalledInterval: config.PROMPTRCA_LOCK_DURATION_MS,
    // BullMQ fails a job that stalls a second time; a notify in a crash loop (OOM kills, a node
    // drain) would lose those reports. Taking one over again is safe: the delivery state keeps a
    // sink that took it from getting it twice.
    maxStalledCount: MAX_STALLS,
  });
  // The reports themselves: notify consumes the results queue and, with no removeOnComplete, leaves
  // what it completed there for results, compare and the guard; the retention bounds it.
  const reports = new Worker<Report>(RESULTS_QUEUE, reportProcessor(deps), workerOptions(options.concurrency));
  const rolloutChanges = new Worker<RolloutChangeNotification>(
    NOTIFICATIONS_QUEUE,
    rolloutChangeProcessor(deps),
    workerOptions(ROLLOUT_CHANGE_CONCURRENCY),
  );
  const workers = [reports, rolloutChanges];
  for (const worker of workers) {
    // Sink retries are delays, not failures: this hears only jobs that could not be read, or Redis trouble.
    worker.on('failed', (job, error) =>
      logger.error(`${worker.name} job ${job?.id} failed: ${errorMessage(error)}`, { attempts: job?.attemptsMade }),
    );
    worker.on('error', (error) => logger.error(`notify error on ${worker.name}: ${errorMessage(error)}`));
  }

  let metricsServer: MetricsServer;
  try {
    metricsServer = await startMetricsServer({
      registry: metrics.registry,
      health: redisReadiness({
        redis: queues.redis,
        stopping: stopping.signal,
        takingJobs: () => workers.every((worker) => worker.isRunning()),
        writeProbeKey: writeProbeKey(queues.prefix),
      }),
      ...metricsAddress,
    });
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.close()));
    await queues.close();
    throw error;
  }
  const onExpired = (count: number) => metrics.recordExpired(count);
  const trimmers = [
    resultsTrimmer(queues.results, retention, { onExpired }),
    // Rollout changes are few: only their age bounds them, never the results count.
    new QueueTrimmer(queues.notifications, { maxAgeMs: retention.maxAgeMs, maxCount: Number.POSITIVE_INFINITY }, { onExpired }),
  ];
  const trim = () => {
    Promise.all(trimmers.map((trimmer) => trimmer.trim())).catch((error: unknown) =>
      logger.warn(`could not apply the results retention: ${errorMessage(error)}`),
    );
  };
  const trimTimer = setInterval(trim, TRIM_INTERVAL_MS);
  trim();

  const signal = firstShutdownSignal(logger, 'the reports and rollout changes in flight go to another replica once their locks lapse');
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  logger.info('notify started', {
    queues: [RESULTS_QUEUE, NOTIFICATIONS_QUEUE],
    redis: describeRedisTarget(queues.target),
    prefix: queues.prefix,
    sinks: sinks.map((sink) => ({ id: sink.id, kind: sink.kind, url: sink.label })),
    concurrency: options.concurrency,
    repeats: config.PROMPTRCA_NOTIFY_REPEATS,
    results_max_age_hours: config.PROMPTRCA_RESULTS_MAX_AGE_HOURS,
    results_max_count: retention.maxCount,
    metrics: `${metricsServer.url}/metrics`,
  });
  for (const worker of workers)
    worker.run().catch((error: unknown) => logger.error(`notify stopped taking jobs of ${worker.name}: ${errorMessage(error)}`));

  logger.info(`${await signal} received`);
  stopping.abort();
  clearInterval(trimTimer);
  // Waits for the deliveries in flight; each ends within its HTTP timeout.
  await Promise.all(workers.map((worker) => worker.close()));
  await metricsServer.close();
  await queues.close();
  logger.info('notify stopped');
  return 0;
}

export function registerNotifyCommand(program: Command): void {
  program
    .command('notify')
    .description('deliver every published report, and every rollback, to webhooks and Slack')
    .option('--webhook-url <url>', 'POST JSON to this URL (repeatable; env PROMPTRCA_NOTIFY_WEBHOOK_URLS, comma-separated)', collect, [])
    .option(
      '--slack-webhook-url <url>',
      'post a Block Kit message to this Slack incoming webhook (repeatable; env PROMPTRCA_NOTIFY_SLACK_WEBHOOK_URLS)',
      collect,
      [],
    )
    .option('--concurrency <n>', 'reports delivered at once by this process', wholeNumberOption('--concurrency', 1, 1_000), 10)
    .option(
      '--metrics-port <n>',
      `serve /metrics, /livez and /readyz on this port (env PROMPTRCA_METRICS_PORT, default ${DEFAULT_METRICS_PORT}; 0 = any free port)`,
    )
    .addHelpText(
      'after',
      `
Sinks given as options replace those of the environment. Each report (a shadow run's excepted) and
each rollback goes to every sink once: 2xx is delivered; 429, 5xx and network errors are tried again
with backoff (1 s doubling to 5 min, or the receiver's Retry-After if longer) for as long as the
results retention keeps the report (PROMPTRCA_RESULTS_MAX_AGE_HOURS); any other answer is permanent,
logged with the sink and status, and that sink is marked undeliverable for it. A sink that took a
report is not sent it again when another sink's failure makes it retry. Every request carries
Idempotency-Key: <investigation id>.
One incident, not fifteen messages (PROMPTRCA_NOTIFY_REPEATS=mute, the default): of the reports of one
incident (related.incident_id), each sink is sent the first of each root-cause type and status; the
others are muted (delivery state "muted: …", metric outcome="muted", an info log line). Failed
investigations are always sent; PROMPTRCA_NOTIFY_REPEATS=send sends every report.
notify consumes promptrca-results itself (completed reports stay there for results, compare and the
guard) and takes rollout changes from promptrca-notifications. Replicas share the work; a replica
killed mid-delivery loses nothing (its jobs are taken over after PROMPTRCA_LOCK_DURATION_MS).
notify also applies the results retention every minute (PROMPTRCA_RESULTS_MAX_COUNT, _MAX_AGE_HOURS).
GET /livez: 200 while the process runs, even while Redis is away; GET /readyz (and /healthz): 200
only while Redis answers and it takes reports and rollout changes. SIGTERM/SIGINT: finish the deliveries in flight
and exit 0; a second signal exits at once.`,
    )
    .action(async (options: NotifyOptions) => {
      process.exitCode = await runNotify(options);
    });
}
