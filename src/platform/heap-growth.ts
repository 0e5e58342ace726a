import { setFlagsFromString } from 'node:v8';

/**
 * How much V8 lets the heap grow past what the last full collection kept, in percent: a factor of
 * 2 instead of V8's own, which at a low GC cost goes up to 4. A worker at concurrency 50 allocates
 * about 650 KB per investigation, and what 50 investigations in flight hold survives the young
 * generation; with V8's factor its old generation grew to 160 MB around a live set of 35 MB (peak
 * RSS 230–246 MiB), with 2 it stays within about 70 MB (peak RSS about 175 MiB) at the same CPU
 * per investigation (docs/BENCHMARKS.md, pipeline).
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Sets the heap's growing factor for a long-running process, unless node was started with one
 * (`node --heap-growing-percent=N`). V8 reads it at every full collection, so setting it at start
 * works; NODE_OPTIONS does not take this flag.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
