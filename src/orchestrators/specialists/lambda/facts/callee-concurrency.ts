import { errorMessage } from '../../../../platform/errors.js';
import { logger } from '../../../../platform/log.js';
import type { AwsClients } from '../../../aws/clients.js';
import type { FactToolOptions } from '../../../facts/fact-call.js';
import type { CalleeConcurrency, LogScan } from '../evidence.js';
import { readReservedConcurrency } from './lambda-config.js';

/** Callees read at most: a caller of many throttled functions is diagnosed by its first few. */
export const MAX_CALLEES = 3;

/**
 * GetFunctionConcurrency of each function the logs show throttling this one's invokes; undefined
 * when they show none. A callee whose read fails is listed with its concurrency unknown.
 */
export async function fetchCalleeConcurrency(
  clients: AwsClients,
  scan: LogScan,
  options: FactToolOptions = {},
): Promise<CalleeConcurrency[] | undefined> {
  const names = [...new Set(scan.signals.filter((s) => s.kind === 'throttled' && s.subject).map((s) => s.subject as string))];
  if (names.length === 0) return undefined;
  return Promise.all(
    names.slice(0, MAX_CALLEES).map(async (functionName) => {
      try {
        return { functionName, reservedConcurrency: await readReservedConcurrency(clients, functionName, options.timeoutMs) };
      } catch (error) {
        logger.warn(`Reserved concurrency of callee ${functionName} unknown: ${errorMessage(error)}`);
        return { functionName, reservedConcurrency: undefined };
      }
    }),
  );
}
