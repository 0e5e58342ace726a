import type { Resource } from '../report/report.js';
import type { AwsClients } from './aws/clients.js';
import type { TimeWindow } from './investigation-window.js';
import { specialistFor } from './specialists/registry.js';
import type { SpecialistEvidence } from './specialists/resource-specialist.js';

/** A dead-letter queue's source queue's consumer is three steps from the alarm; nothing real is further. */
const MAX_STEPS = 3;

const keyOf = (resource: Resource) => `${resource.type}\u0000${resource.name}`;

/**
 * The resources behind those found, step by step, through each specialist's `discovery.follow`:
 * a queue's consumers, an API's integrations, a state machine's failing task. Each resource is
 * followed once; a read that fails is returned, and what was found without it is kept.
 */
export async function followResources(
  aws: AwsClients,
  found: readonly Resource[],
  window: TimeWindow,
): Promise<{ resources: Resource[]; failures: unknown[] }> {
  const resources = [...found];
  const known = new Set(resources.map(keyOf));
  const failures: unknown[] = [];
  let frontier = resources;
  for (let step = 0; step < MAX_STEPS && frontier.length > 0; step += 1) {
    const followed = await Promise.all(
      frontier.map((resource) => specialistFor(resource.type).discovery.follow?.(aws, resource, window) ?? { resources: [], failures: [] }),
    );
    frontier = [];
    for (const result of followed) {
      failures.push(...result.failures);
      for (const behind of result.resources) {
        if (known.has(keyOf(behind))) continue;
        known.add(keyOf(behind));
        frontier.push(behind);
      }
    }
    resources.push(...frontier);
  }
  return { resources, failures };
}

/**
 * The resources found, then those their evidence shows behind them (a callee the logs show
 * throttled), each once: the report names every resource its root cause and advice name.
 */
export function withResourcesBehindEvidence(found: readonly Resource[], evidence: readonly SpecialistEvidence[]): Resource[] {
  const resources = [...found];
  const known = new Set(resources.map(keyOf));
  for (const read of evidence) {
    for (const behind of read.specialist.evidence?.behind?.(read.evidence) ?? []) {
      if (known.has(keyOf(behind))) continue;
      known.add(keyOf(behind));
      resources.push(behind);
    }
  }
  return resources;
}
