import { writeFile } from 'node:fs/promises';
import { perMetricEntries } from './recorded-metrics.js';
import { type RecordedCall, toJsonForm } from './recording.js';
import { redactSecrets } from './redact-secrets.js';

interface SentCommand {
  readonly input: object;
}

/** What the recorder needs of an SDK client; method syntax so any client's overloaded send fits. */
export interface SendingClient {
  send(command: SentCommand, options?: object): Promise<unknown>;
}

/** `GetFunctionConfigurationCommand` → `GetFunctionConfiguration`, the name a recording uses. */
function commandName(command: SentCommand): string {
  return command.constructor.name.replace(/Command$/, '');
}

/**
 * Time-window keys of the fact calls. By contract, keys a recording leaves out match anything, and a
 * window follows the alarm (or "now", for --function-name), so a recording that kept it would not
 * answer the same investigation run a second later.
 */
const TIME_WINDOW_KEYS = new Set(['startTime', 'endTime', 'StartTime', 'EndTime']);

function recordedInput(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(toJsonForm(input)).filter(([key]) => !TIME_WINDOW_KEYS.has(key)));
}

function withoutMetadata(result: unknown): Record<string, unknown> {
  const { $metadata: _metadata, ...output } = (result ?? {}) as Record<string, unknown>;
  return toJsonForm(output);
}

function errorOf(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

/**
 * Matching takes the first entry whose keys all match, so an entry must not be shadowed by one whose
 * keys are a subset of its own (page 1 of FilterLogEvents would answer the call for page 2). Entries
 * with more input keys go first; the sort is stable, so call order holds among equals.
 */
function orderForReplay(calls: readonly RecordedCall[]): RecordedCall[] {
  return [...calls].sort((a, b) => Object.keys(b.input).length - Object.keys(a.input).length);
}

/** Captures the AWS calls of an investigation (`investigate --record FILE`) as a recording in the format docs/CLI.md gives. */
export class CallRecorder {
  readonly calls: RecordedCall[] = [];

  /**
   * Wraps the client's `send` rather than adding a middleware: that is the one method
   * aws-sdk-client-mock replaces, so recording wraps mocked clients exactly as it wraps real ones.
   */
  attach(client: SendingClient, service: string): void {
    const send = client.send.bind(client);
    client.send = async (command, options) => {
      const call = { service, command: commandName(command), input: recordedInput(command.input) };
      try {
        const result = await send(command, options);
        const output = withoutMetadata(result);
        if (service === 'cloudwatch' && call.command === 'GetMetricData') this.calls.push(...perMetricEntries(command.input, output));
        else this.calls.push({ ...call, output });
        return result;
      } catch (error) {
        this.calls.push({ ...call, output: null, error: errorOf(error) });
        throw error;
      }
    };
  }

  /**
   * Writes the recording. Recordings are kept as regression cases and shared, so secrets are
   * redacted (redactSecrets) unless `unredacted` asks for the answers exactly as AWS gave them.
   * @defaultValue unredacted: false
   */
  async save(path: string, options: { unredacted?: boolean } = {}): Promise<void> {
    const calls = orderForReplay(this.calls);
    const written = options.unredacted ? calls : calls.map((call) => redactSecrets(call) as RecordedCall);
    await writeFile(path, `${JSON.stringify({ calls: written }, null, 2)}\n`);
  }
}
