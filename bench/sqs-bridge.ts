/**
 * Benchmark (not a test): messages per second through one `promptrca sqs-bridge` process, from a
 * full SQS queue (fauxqs on 127.0.0.1, the real SDK over HTTP) to jobs on Redis, every message
 * deleted. The alarms are the bundled examples in their three wire shapes (SNS envelope, raw SNS,
 * EventBridge), each a distinct transition, with 10% duplicates.
 *
 *   npm run bench:sqs-bridge     (BENCH_MESSAGES, default 5000; BENCH_ROUNDS, default 3; REDIS_URL)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { loadConfig } from '../src/platform/config.js';
import { readAlarmFile } from '../src/producer/alarm-input.js';
import { deleteKeysUnder } from './redis-keys.js';
import { EXAMPLES_DIR } from './scenarios.js';

// The SDK's Node 20 support notice, as the CLI also silences it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REDIS_URL = loadConfig(process.env).REDIS_URL;
const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

type Json = Record<string, any>;

/** The example's alarm as a new transition `index` seconds later, in its own wire shape. */
function variant(message: Json, index: number): string {
  const time = (original: string) => new Date(Date.parse(original.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) + index * 1_000);
  const alarm = structuredClone(message);
  if (alarm.Type === 'Notification') {
    const inner = JSON.parse(alarm.Message);
    inner.StateChangeTime = time(inner.StateChangeTime).toISOString().replace('Z', '+0000');
    alarm.Message = JSON.stringify(inner);
  } else if (alarm.AlarmName) {
    alarm.StateChangeTime = time(alarm.StateChangeTime).toISOString().replace('Z', '+0000');
  } else {
    alarm.detail.state.timestamp = time(alarm.detail.state.timestamp).toISOString().replace('Z', '+0000');
  }
  return JSON.stringify(alarm);
}

function bodies(count: number): string[] {
  const shapes = ['dotnet-null-reference.json', 'go-nil-pointer-panic.json', 'lambda-timeout.json'].map(
    (name) => readAlarmFile(`${EXAMPLES_DIR}${name}`).message as Json,
  );
  const distinct = Math.round(count * 0.9);
  const all = Array.from({ length: distinct }, (_, index) => variant(shapes[index % shapes.length]!, index));
  for (let index = 0; all.length < count; index += 7) all.push(all[index % distinct]!);
  return all;
}

async function fill(sqs: SQSClient, queueUrl: string, messages: string[]): Promise<void> {
  const batches: string[][] = [];
  for (let start = 0; start < messages.length; start += 10) batches.push(messages.slice(start, start + 10));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        await sqs.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((MessageBody, i) => ({ Id: String(i), MessageBody })) }),
        );
      }
    }),
  );
}

async function remaining(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
}

/** One round: fill the queue, start a bridge, time it until the queue is empty. */
async function round(
  sqs: SQSClient,
  endpoint: string,
  messages: string[],
  logLevel: string,
): Promise<{ rate: number; cpuMsPerMessage: number }> {
  const name = `bench-${randomBytes(4).toString('hex')}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  await fill(sqs, QueueUrl!, messages);
  const prefix = `bench-sqs-bridge-${randomBytes(4).toString('hex')}`;
  const bridge = spawn(process.execPath, [CLI, 'sqs-bridge', '--queue-url', QueueUrl!, '--metrics-port', '0'], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL,
      PROMPTRCA_QUEUE_PREFIX: prefix,
      PROMPTRCA_METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: logLevel,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: endpoint,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let started = 0;
  bridge.stdout.on('data', (chunk: Buffer) => {
    if (!started && chunk.toString().includes('"sqs bridge started"')) started = performance.now();
  });
  // Startup (module loading, Redis, GetQueueAttributes) is not part of the throughput; with
  // LOG_LEVEL=warn the start line is not written, so the clock starts when the queue first shrinks.
  while (!started && (await remaining(sqs, QueueUrl!)) === messages.length) await sleep(5);
  started ||= performance.now();
  const cpuAtStart = cpuSecondsOf(bridge.pid);
  while ((await remaining(sqs, QueueUrl!)) > 0) await sleep(20);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsOf(bridge.pid) - cpuAtStart;
  bridge.kill('SIGTERM');
  await new Promise((resolve) => bridge.once('exit', resolve));
  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  await deleteKeysUnder(REDIS_URL, prefix);
  return { rate: messages.length / seconds, cpuMsPerMessage: (cpuSeconds * 1000) / messages.length };
}

/** User + system CPU of a process so far (Linux /proc; clock ticks of 10 ms). */
function cpuSecondsOf(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const app = buildApp({ logger: false });
const endpoint = await app.listen({ port: 0, host: '127.0.0.1' });
const sqs = new SQSClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS });
const messages = bodies(MESSAGES);
try {
  for (const logLevel of ['info', 'warn']) {
    await round(sqs, endpoint, messages.slice(0, 500), logLevel);
    const rounds: Array<{ rate: number; cpuMsPerMessage: number }> = [];
    for (let index = 0; index < ROUNDS; index++) rounds.push(await round(sqs, endpoint, messages, logLevel));
    const rates = rounds.map((r) => r.rate);
    console.log(
      `LOG_LEVEL=${logLevel}: ${MESSAGES} messages (10% duplicates), ${ROUNDS} rounds after a warm-up: ` +
        `median ${median(rates).toFixed(0)} messages/s (rounds: ${rates.map((rate) => rate.toFixed(0)).join(', ')}), ` +
        `bridge CPU ${median(rounds.map((r) => r.cpuMsPerMessage)).toFixed(2)} ms per message`,
    );
  }
} finally {
  sqs.destroy();
  await app.close();
}
