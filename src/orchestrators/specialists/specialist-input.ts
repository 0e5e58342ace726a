import type { NormalizedAlarm } from '../../producer/alarm.js';
import type { Fact, Resource } from '../../report/report.js';

/**
 * What one specialist judges from in direct_invocation. Kept apart from resource-specialist.ts,
 * whose types reach the AWS clients, so that the pure rules can take it: the dependency rules
 * follow type imports too.
 */
export interface SpecialistInput<Evidence> {
  alarm: NormalizedAlarm;
  /** This specialist's resources. */
  resources: Resource[];
  /** What was read of them, one per resource read. */
  evidence: Evidence[];
  /** The alarm's facts and those of this specialist's resources: what a model refining the hypotheses is shown. */
  facts: Fact[];
  signal?: AbortSignal;
}
