import { afterAll } from 'vitest';
import type { PromptRcaQueues } from '../../src/report/queues.js';
import { deleteKeys, openQueues, uniquePrefix } from './pipeline.js';

/**
 * For a test file: a function that opens the queues under a new key prefix, and an afterAll that
 * closes every one opened and deletes its keys.
 */
export function useFreshQueues(): (name: string) => Promise<PromptRcaQueues> {
  const prefixes: string[] = [];
  const opened: PromptRcaQueues[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((queues) => queues.close()));
    await Promise.all(prefixes.map(deleteKeys));
  });
  return async (name) => {
    const prefix = uniquePrefix(name);
    prefixes.push(prefix);
    const queues = await openQueues(prefix);
    opened.push(queues);
    return queues;
  };
}
