import type { Logger } from 'winston';
import { isTransientError } from '../platform/error-kind.js';
import { errorMessage } from '../platform/errors.js';
import type { Resource } from '../report/report.js';
import type { AwsClients } from './aws/clients.js';
import { discoveryWarning } from './discover-all-resources.js';
import { NoFactsError } from './errors.js';
import type { TimeWindow } from './investigation-window.js';
import { specialistFor } from './specialists/registry.js';
import type { SpecialistEvidence } from './specialists/resource-specialist.js';

/**
 * direct_invocation's reads: every resource whose specialist reads AWS, all in parallel. A read
 * that fails is logged and recorded, and the investigation goes on without it; one that failed for
 * a reason time cures is also added to `missingFacts`.
 */
export async function gatherEvidence(
  aws: AwsClients,
  resources: readonly Resource[],
  window: TimeWindow,
  log: Logger,
  warnings: string[],
  missingFacts: string[] = [],
): Promise<SpecialistEvidence[]> {
  const reads = resources.flatMap((resource) => {
    const specialist = specialistFor(resource.type);
    return specialist.evidence
      ? [specialist.evidence.gather(aws, resource, window).then((gathered) => ({ resource, specialist, gathered }))]
      : [];
  });
  const done = await Promise.all(reads);
  const gathered = done.map((read) => read.gathered);
  for (const failure of gathered.flatMap((g) => g.failures)) {
    if (isTransientError(failure)) missingFacts.push(errorMessage(failure));
    // Discovery follows a resource with the specialist's own reads (answered once): a read that
    // failed there has been told already.
    if (warnings.includes(discoveryWarning(failure))) continue;
    log.warn(`Fact gathering failed: ${errorMessage(failure)}`);
    warnings.push(errorMessage(failure));
  }
  // Without a single fact the rules could only answer "unknown"; that is a failed investigation
  // (no credentials, AWS unreachable, throttled), not a finding. `cause` lets a worker tell
  // throttling, worth another attempt, from missing permissions.
  const [firstRead] = done;
  if (firstRead && gathered.every((g) => g.nothingRead)) {
    const first = firstRead.gathered.failures[0];
    const { type, name } = firstRead.resource;
    throw new NoFactsError(`no AWS facts could be read for ${type} ${name}: ${errorMessage(first)}`, { cause: first });
  }
  return done.map(({ resource, specialist, gathered: { evidence } }) => ({ specialist, name: resource.name, evidence }));
}
