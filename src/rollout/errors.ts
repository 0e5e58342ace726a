import { ConfigError, PromptRcaError } from '../platform/errors.js';

/** Another `rollout set` (or the guard) kept changing the state while this one tried to apply. */
export class RolloutChangeConflictError extends PromptRcaError {}

/** Someone wrote a value into the rollout hash that `rollout set` would never have written. */
export class InvalidStoredRolloutError extends ConfigError {}

/** The guard could not read the rollout or the results; it changed nothing. */
export class GuardUnableToEvaluateError extends PromptRcaError {}

/** A rollback was due but Redis refused to store it: an operator must act. */
export class GuardRollbackFailedError extends PromptRcaError {}
