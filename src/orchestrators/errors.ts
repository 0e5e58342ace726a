import { type ErrorKind, InputError, PromptRcaError, type PromptRcaErrorOptions, ServiceUnavailableError } from '../platform/errors.js';
import type { Usage } from '../report/report.js';

/** The LLM endpoint could not be reached or did not answer in time (after our own retries). */
export class LlmUnavailableError extends ServiceUnavailableError {}

/**
 * One AWS call of a fact tool that failed or did not answer in time. The orchestrator records its
 * message ("lambda GetFunctionConfiguration failed: ThrottlingException: Rate exceeded") and goes on.
 */
export class FactToolError extends PromptRcaError {
  constructor(
    readonly service: string,
    readonly command: string,
    /** The AWS error name (`ThrottlingException`, `ResourceNotFoundException`), or `TimeoutError`. */
    readonly awsErrorName: string,
    detail: string,
    options?: PromptRcaErrorOptions,
  ) {
    super(`${service} ${command} failed: ${awsErrorName}${detail ? `: ${detail}` : ''}`, options);
  }
}

/** A recording that cannot be read or does not follow the recording format (docs/CLI.md). */
export class RecordingError extends InputError {
  constructor(
    readonly origin: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`recording ${origin}: ${problem}`, options);
  }
}

/** Every read of every resource failed: the investigation saw nothing to judge. */
export class NoFactsError extends PromptRcaError {}

/** The server asked us to come back later than an investigation can wait. */
export class RetryAfterTooLongError extends PromptRcaError {
  constructor(
    readonly waitMs: number,
    readonly maxWaitMs: number,
    cause: unknown,
  ) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)} ` +
        `(the server asked to retry after ${Math.ceil(waitMs / 1000)} s, more than the ${maxWaitMs / 1000} s allowed)`,
      { cause },
    );
  }
}

/** An investigation that fails after spending tokens says how many, so its failed report counts them. */
export class InvestigationFailedError extends PromptRcaError {
  constructor(
    message: string,
    readonly usage: Usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Which limit of agent_tools' investigation-wide budget was reached. */
export type AgentLimitName = 'tool_calls' | 'tokens';

/** The investigation reached one of its limits: it ends `failed`, saying which. */
export class AgentLimitError extends PromptRcaError {
  constructor(
    readonly limit: AgentLimitName,
    message: string,
  ) {
    super(`agent_tools stopped: ${message}`);
  }
}

/** A conversation ended its turns without an answer that passed validation. */
export class TurnLimitError extends PromptRcaError {}

/** A model call whose messages exceed MAX_PROMPT_CHARS: refused before it is sent. */
export class PromptTooLargeError extends PromptRcaError {}

/** A request OpenAI would refuse with 400; `param` names the field, as OpenAI's errors do. */
export class SimRequestError extends InputError {
  constructor(
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** What llm-sim answers with an HTTP error status, in OpenAI's error shape. */
export class SimHttpError extends PromptRcaError {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    /** OpenAI's `code` (`rate_limit_exceeded`) and the headers sent with it (Retry-After). */
    readonly extra: { code?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

/** A model's answer that is not the JSON its prompt asked for. */
export class ModelOutputError extends PromptRcaError {}

/** A resource whose ARN neither the alarm nor an earlier read gave, asked of a read that needs it. */
export class ResourceArnUnknownError extends PromptRcaError {}

/** A fact tool asked (by the model) about a resource that discovery did not find. */
export class UndiscoveredResourceError extends PromptRcaError {}

/** The installed gpt-tokenizer cannot count the tokens of function-calling requests for the model llm-sim imitates. */
export class TokenizerUnsupportedError extends PromptRcaError {}

/** A resource type no specialist declares: discovery only finds types of the registry. */
export class UnknownResourceTypeError extends PromptRcaError {}

/**
 * This process cannot run the orchestrator (agent_tools without a model): bad configuration for the
 * command that asked, but another worker replica, one with a model, may take the job.
 */
export class OrchestratorUnavailableError extends InputError {
  protected override defaultKind(): ErrorKind {
    return 'transient';
  }
}

/** A call's turn under the fleet's AWS rate limit would come after its deadline: not sent, to be tried later. */
export class RateLimitWaitError extends ServiceUnavailableError {
  constructor(readonly quota: string) {
    super(`${quota} rate limit: no turn before the call's deadline`);
    this.name = 'RateLimitWaitError';
  }
}

/**
 * A model call whose turn, under the fleet's LLM budget or the endpoint's rate limit (429), would come
 * after the investigation's deadline: not sent (or not sent again), to be tried later.
 */
export class LlmTurnWaitError extends ServiceUnavailableError {
  constructor(limit: string, options?: { cause?: unknown }) {
    super(`LLM ${limit}: no turn before the investigation's deadline`, options);
  }
}
