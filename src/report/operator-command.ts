import { moveLogsToStderr } from '../platform/log.js';
import { connectQueues, type PromptRcaQueues } from './queues.js';

/**
 * Runs one operator command (`queue …`, `rollout …`) on queues connected for it and closed after,
 * whatever happens. Its logs go to stderr: stdout is what the command prints for the operator.
 */
export async function withQueues<T>(work: (queues: PromptRcaQueues) => Promise<T>): Promise<T> {
  moveLogsToStderr();
  const queues = await connectQueues(process.env);
  try {
    return await work(queues);
  } finally {
    await queues.close();
  }
}

export const print = (line: string) => process.stdout.write(`${line}\n`);
