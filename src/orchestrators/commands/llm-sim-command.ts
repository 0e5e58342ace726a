import type { Command } from 'commander';
import { wholeNumberOption } from '../../platform/config.js';
import { InputError } from '../../platform/errors.js';

interface LlmSimCommandOptions {
  port: number;
  host: string;
  latencyMs: number;
  latencyPerTokenMs: number;
  rpm?: number;
  tpm?: number;
  limitWindowSeconds: number;
}

function milliseconds(option: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new InputError(`${option} ${JSON.stringify(value)} is not valid: allowed a number of milliseconds, 0 or more`);
  }
  return number;
}

async function runLlmSim(settings: LlmSimCommandOptions): Promise<void> {
  // Loaded here so that other commands do not pay for the tokenizer's vocabulary at start.
  const { startLlmSim } = await import('../llm-sim/llm-sim-server.js');
  const sim = await startLlmSim({ ...settings, windowSeconds: settings.limitWindowSeconds }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' && error.code !== 'EADDRNOTAVAIL') throw error;
    throw new InputError(
      `cannot listen on ${settings.host}:${settings.port} (${error.code}): choose another --host or --port (0 picks a free port)`,
    );
  });
  const limits = [settings.rpm && `${settings.rpm} requests`, settings.tpm && `${settings.tpm} tokens`].filter(Boolean);
  const enforced = limits.length ? `; 429 beyond ${limits.join(' and ')} per minute over ${settings.limitWindowSeconds} s` : '';
  process.stdout.write(
    `llm-sim: a SIMULATOR of an OpenAI-compatible chat-completions endpoint, not a model, listening on ${sim.url} ` +
      `(latency ${settings.latencyMs} ms per call + ${settings.latencyPerTokenMs} ms per output token${enforced}); ` +
      `use OPENAI_BASE_URL=${sim.url}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => void sim.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function registerLlmSimCommand(program: Command): void {
  program
    .command('llm-sim')
    .description('run a local OpenAI-compatible chat-completions SIMULATOR (not a model) for offline demos, tests and load tests')
    .option('--port <n>', 'port to listen on (0 picks a free one)', wholeNumberOption('--port', 0, 65_535), 8787)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--latency-ms <ms>', 'delay added to every chat completion', (value) => milliseconds('--latency-ms', value), 0)
    .option('--latency-per-token-ms <ms>', 'delay added per completion token', (value) => milliseconds('--latency-per-token-ms', value), 0)
    .option(
      '--rpm <n>',
      'answer 429 (with Retry-After) beyond this many requests per minute (default: no limit)',
      wholeNumberOption('--rpm', 1, 10_000_000),
    )
    .option(
      '--tpm <n>',
      'answer 429 (with Retry-After) beyond this many tokens, prompt and completion, per minute (default: no limit)',
      wholeNumberOption('--tpm', 1, 10_000_000_000),
    )
    .option(
      '--limit-window-seconds <s>',
      'enforce --rpm and --tpm over this period: a bucket of limit × s / 60, refilled continuously',
      wholeNumberOption('--limit-window-seconds', 1, 60),
      60,
    )
    .addHelpText(
      'after',
      '\nServes GET /v1/models and POST /v1/chat/completions. Replies follow a deterministic policy:\n' +
        'it calls each offered tool for the resources the conversation names (a lead holding\n' +
        'investigate_* tools delegates to them), then answers in the JSON shape the system prompt asks\n' +
        'for, echoing hypotheses stated in the data or classifying quoted facts by keyword. `usage` is\n' +
        'counted with the gpt-4o tokenizer over the request (messages and tool schemas) and the reply.\n' +
        'With --rpm or --tpm a request over the limit is answered 429 with Retry-After (seconds),\n' +
        'retry-after-ms and an OpenAI-style error body (code rate_limit_exceeded), taking nothing.\n' +
        'Example: promptrca llm-sim --port 8787 --latency-ms 500 &\n' +
        '         OPENAI_BASE_URL=http://127.0.0.1:8787/v1 promptrca investigate --alarm examples/lambda-timeout.json',
    )
    .action(runLlmSim);
}
