import { InputError, PromptRcaError } from '../platform/errors.js';

/** The worker could be assigned agent_tools but has no model to run it with. */
export class AgentToolsNeedsModelError extends InputError {}

/** Thrown to make BullMQ retry the job with backoff; no report is published for this attempt. */
export class TransientInvestigationError extends PromptRcaError {}

/** Investigations were still running when `queue drain --timeout` ran out. */
export class DrainTimeoutError extends PromptRcaError {}
