import { FactToolError } from '../errors.js';

export const DEFAULT_FACT_TIMEOUT_MS = 10_000;

export interface FactToolOptions {
  /** Per AWS call; default 10 s. */
  timeoutMs?: number;
}

export interface FactCall extends FactToolOptions {
  service: string;
  command: string;
}

/**
 * Runs one SDK call with a deadline. The signal aborts the HTTP request; the race also settles
 * callers whose `send` ignores the signal (a stuck socket, a mocked client).
 */
export async function runFactCall<T>(call: FactCall, send: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
  const timeoutMs = call.timeoutMs ?? DEFAULT_FACT_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      // AWS that does not answer in time is slow, not wrong: another attempt may get through.
      const timeout = new FactToolError(call.service, call.command, 'TimeoutError', `no answer within ${timeoutMs} ms`, {
        kind: 'transient',
      });
      reject(timeout);
      controller.abort(timeout);
    }, timeoutMs);
  });
  try {
    return await Promise.race([send({ abortSignal: controller.signal }), deadline]);
  } catch (error) {
    if (error instanceof FactToolError) throw error;
    const name = error instanceof Error ? error.name : 'Error';
    const detail = error instanceof Error ? error.message : String(error);
    throw new FactToolError(call.service, call.command, name, detail, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
