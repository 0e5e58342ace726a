import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** test/fixtures/aws-samples, resolved from this file rather than the cwd. */
const SAMPLES_DIR = fileURLToPath(new URL('../fixtures/aws-samples/', import.meta.url));

/** A sample exactly as stored: the text a queue or a paste would hand over. */
export function sampleText(name: string): string {
  return readFileSync(SAMPLES_DIR + name, 'utf8');
}

export function sampleJson<T = any>(name: string): T {
  return JSON.parse(sampleText(name)) as T;
}
