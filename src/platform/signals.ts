import { constants } from 'node:os';
import type { Logger } from 'winston';

export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/**
 * Resolves on the first SIGTERM/SIGINT; a second one exits at once (128 + signal number), leaving
 * in-flight jobs to be recovered by another replica once their locks lapse.
 */
export function firstShutdownSignal(
  log: Logger,
  whatBecomesOfWorkInFlight = 'another worker will take over the investigations in flight',
): Promise<ShutdownSignal> {
  return new Promise((resolve) => {
    let received = false;
    for (const signal of SHUTDOWN_SIGNALS) {
      process.on(signal, () => {
        if (received) {
          log.warn(`${signal} again: exiting now; ${whatBecomesOfWorkInFlight}`);
          process.exit(128 + constants.signals[signal]);
        }
        received = true;
        resolve(signal);
      });
    }
  });
}
