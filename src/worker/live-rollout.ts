import type { Logger } from 'winston';
import { errorMessage } from '../platform/errors.js';
import type { RedisClient } from '../platform/redis-connection.js';
import { appendAssignment } from '../rollout/assignment-log.js';
import { CachedRolloutReader } from '../rollout/cached-rollout-reader.js';
import type { EffectiveRollout } from '../rollout/effective-rollout.js';
import { type RolloutFlags, routesOnlyToDirect } from '../rollout/flags.js';
import type { StoredAssignment } from '../rollout/stored-assignment.js';

export interface LiveRolloutDeps {
  /** The effective rollout, with where each value comes from (the start check names it). */
  current: () => Promise<EffectiveRollout>;
  currentFlags: () => Promise<RolloutFlags>;
  recordAssignment: (investigationId: string, assignment: StoredAssignment) => Promise<void>;
}

function rolloutFields(rollout: EffectiveRollout) {
  return {
    use_direct_orchestration: rollout.enabled,
    direct_orchestration_percentage: rollout.percentage,
    force_orchestrator: rollout.force,
  };
}

/**
 * The worker's view of the live rollout: flags read at each dequeue (cached up to a second), each
 * change logged, and each fresh assignment appended to the assignment log. A change that sends work
 * to agent_tools while this worker has no model is logged as an error: those investigations are
 * retried (OrchestratorUnavailableError is transient) so that a replica with a model can take them.
 * The rollout read at start is left to assertModelForRouting, which stops the worker instead.
 */
export function liveRollout(options: {
  redis: RedisClient;
  prefix: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  hasModel: boolean;
}): LiveRolloutDeps {
  const { redis, prefix, log } = options;
  let seenAtStart = false;
  const reader = new CachedRolloutReader({
    ...options,
    onChange: (rollout) => {
      log.info('rollout in effect', rolloutFields(rollout));
      const changedSinceStart = seenAtStart;
      seenAtStart = true;
      if (changedSinceStart && !options.hasModel && !routesOnlyToDirect(rollout.flags)) {
        log.error(
          `the rollout now routes ${100 - rollout.direct_percentage}% of new investigations to agent_tools, which this worker cannot run ` +
            '(no LLM configured): it hands them back to the queue for a replica with a model, and they fail once their attempts run out',
          rolloutFields(rollout),
        );
      }
    },
  });
  return {
    current: () => reader.current(),
    currentFlags: async () => (await reader.current()).flags,
    recordAssignment: (investigationId, assignment) =>
      appendAssignment(redis, prefix, { investigation_id: investigationId, ...assignment }).catch((error: unknown) => {
        log.warn(`could not append to the assignment log: ${errorMessage(error)}`, { investigation_id: investigationId });
      }),
  };
}
