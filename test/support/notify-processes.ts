import { afterAll } from 'vitest';
import type { NotifyReceiver } from './notify-receiver.js';
import { deleteKeys, logLines, type SpawnedProcess, startLongRunning } from './pipeline.js';

/** What a notify test file starts: killed, closed and deleted after its tests, whatever they did. */
export interface NotifyTestResources {
  prefixes: string[];
  receivers: NotifyReceiver[];
  processes: SpawnedProcess[];
  /** A `promptrca notify` process, once it logged that it started. */
  startNotify(env: NodeJS.ProcessEnv, args: string[]): Promise<SpawnedProcess>;
}

/** For a test file: registers the clean-up of everything it starts. */
export function useNotifyTestResources(): NotifyTestResources {
  const resources: NotifyTestResources = {
    prefixes: [],
    receivers: [],
    processes: [],
    async startNotify(env, args) {
      const notify = await startLongRunning('notify', args, env);
      resources.processes.push(notify);
      return notify;
    },
  };
  afterAll(async () => {
    for (const spawned of resources.processes) spawned.child.kill('SIGKILL');
    await Promise.all(resources.receivers.map((receiver) => receiver.close()));
    await Promise.all(resources.prefixes.map(deleteKeys));
  });
  return resources;
}

/** The /metrics URL notify logged at start. */
export function notifyMetricsUrl(notify: SpawnedProcess): string {
  return String(logLines(notify.stdout()).find((line) => line.message === 'notify started')?.metrics);
}
