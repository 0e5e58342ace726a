import type { NormalizedAlarm } from '../../producer/alarm.js';
import type { Resource } from '../../report/report.js';
import { factsBlock } from '../quoted-data-block.js';

/** How resources are named to models, here and in direct's prompts: `lambda:orders-api`. */
export function resourceReference(resource: Pick<Resource, 'type' | 'name'>): string {
  return `${resource.type}:${resource.name}`;
}

/**
 * The user message that opens a conversation: the alarm and the resources as quoted data, built
 * by code from the normalised alarm, never from a model's words; credentials and environment
 * values are not in it, as the alarm never carries them.
 */
export function factsBrief(alarm: NormalizedAlarm, resources: readonly string[]): string {
  const data = { alarm: { name: alarm.name, metric: alarm.metric, reason: alarm.reason }, resources };
  return factsBlock(data);
}
