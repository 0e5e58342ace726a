import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { APIConnectionError } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { Logger } from 'winston';
import { errorMessage } from '../../platform/errors.js';
import { logger } from '../../platform/log.js';
import { addUsage, type Usage, ZERO_USAGE } from '../../report/report.js';
import { investigationDeadline } from '../aws/call-deadline.js';
import { LlmTurnWaitError, LlmUnavailableError, PromptTooLargeError } from '../errors.js';
import { estimateTokens, type LlmBudget } from './llm-budget.js';
import { type LlmSettings, MAX_PROMPT_CHARS } from './llm-settings.js';
import { DEFAULT_MAX_RETRY_WAIT_MS, isRateLimited, retryDelayMs } from './retry-policy.js';

export type ChatRequest = Omit<ChatCompletionCreateParamsNonStreaming, 'model'>;

export type LlmRateLimitReason = 'endpoint_429' | 'no_turn_before_deadline';

/** What a process counts of its calls' limits (the worker's /metrics). */
export interface LlmLimitEvents {
  /** A call went after waiting `ms` for its turn under the budget (0: at once). */
  budgetWait(ms: number): void;
  /** The endpoint answered 429, or a call got no turn before its deadline. */
  rateLimited(reason: LlmRateLimitReason): void;
}

export interface LlmLimits {
  /** The fleet's budget at the endpoint. @defaultValue null: calls go at once, and only 429s slow them */
  budget?: LlmBudget | null;
  /** Told of each wait, for the worker's metrics. @defaultValue none */
  events?: LlmLimitEvents;
}

/**
 * One OpenAI-compatible client shared by both orchestrators. Each investigation opens a
 * session so that its own calls and tokens are counted, whatever else runs concurrently.
 */
export class LlmClient {
  private readonly openai: OpenAI;

  constructor(
    readonly settings: LlmSettings,
    private readonly limits: LlmLimits = {},
  ) {
    this.openai = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      timeout: settings.timeoutMs,
      // Retries are ours (LlmSession.chat): logged, abortable, and with a cap on Retry-After.
      maxRetries: 0,
    });
  }

  /** `log` carries the investigation's fields into retry warnings. */
  session(log: Logger = logger): LlmSession {
    return new LlmSession(this.openai, this.settings, log, this.limits);
  }
}

/**
 * The calls of one investigation. `usage.llm_calls` counts completed chat completions: an attempt
 * answered by 429 or 5xx and then retried bills no tokens and is not a call; a completion whose
 * content later fails validation is one, since its tokens were spent.
 */
export class LlmSession {
  usage: Usage = ZERO_USAGE;
  readonly model: string;

  constructor(
    private readonly openai: OpenAI,
    private readonly settings: LlmSettings,
    private readonly log: Logger,
    private readonly limits: LlmLimits,
  ) {
    this.model = settings.model;
  }

  private async waitForTurn(budget: LlmBudget, estimate: number, deadline: number, signal?: AbortSignal): Promise<void> {
    try {
      // Taken apart: `events?.budgetWait(await …)` would skip the wait itself when no one listens.
      const waitedMs = await budget.take(estimate, deadline, signal);
      this.limits.events?.budgetWait(waitedMs);
    } catch (error) {
      if (error instanceof LlmTurnWaitError) this.limits.events?.rateLimited('no_turn_before_deadline');
      throw error;
    }
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatCompletion> {
    const promptChars = JSON.stringify(request.messages).length;
    if (promptChars > MAX_PROMPT_CHARS) {
      throw new PromptTooLargeError(
        `the prompt holds ${promptChars} characters, more than the ${MAX_PROMPT_CHARS} one model call may send`,
      );
    }
    const maxWaitMs = this.settings.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
    // Waiting for a turn (the budget's, or after a 429) ends here: the investigation's deadline, or
    // outside one (investigate, a library caller) as long as one Retry-After may last.
    const deadline = investigationDeadline() ?? Date.now() + maxWaitMs;
    const budget = this.limits.budget ?? null;
    const estimate = budget ? estimateTokens(request) : 0;
    for (let attempt = 0; ; attempt += 1) {
      if (budget) await this.waitForTurn(budget, estimate, deadline, signal);
      let completion: ChatCompletion;
      try {
        completion = await this.openai.chat.completions.create({ ...request, model: this.model }, { signal });
      } catch (error) {
        // An attempt refused or broken off is billed no tokens.
        if (budget) await this.settle(budget, estimate, 0);
        await sleep(this.retryDelay(error, attempt, maxWaitMs, deadline, signal), undefined, { signal });
        continue;
      }
      const usage = usageOf(completion);
      // An endpoint that reports no usage leaves the estimate standing.
      if (budget) await this.settle(budget, estimate, completion.usage ? usage.total_tokens : estimate);
      this.usage = addUsage(this.usage, usage);
      return completion;
    }
  }

  /**
   * Settling is bookkeeping: a completion already paid for is not thrown away because Redis did not
   * take the correction, which leaves the estimate standing (the budget errs on the slow side).
   */
  private async settle(budget: LlmBudget, estimate: number, used: number): Promise<void> {
    await budget.settle(estimate, used).catch((error: unknown) => {
      this.log.warn(`LLM budget not settled (the estimate of ${estimate} tokens stands): ${errorMessage(error)}`);
    });
  }

  /** The wait before the next attempt after `error`; throws it (or why not) when there is none. */
  private retryDelay(error: unknown, attempt: number, maxWaitMs: number, deadline: number, signal?: AbortSignal): number {
    const rateLimited = isRateLimited(error);
    if (rateLimited) this.limits.events?.rateLimited('endpoint_429');
    const delayMs = signal?.aborted ? null : retryDelayMs(error, attempt, this.settings.maxRetries, maxWaitMs);
    if (delayMs === null) {
      // A timeout carries no status and no cause to tell it from a bug; say what it is.
      throw error instanceof APIConnectionError ? new LlmUnavailableError(errorMessage(error), { cause: error }) : error;
    }
    if (rateLimited && Date.now() + delayMs > deadline) {
      this.limits.events?.rateLimited('no_turn_before_deadline');
      throw new LlmTurnWaitError('endpoint rate limit (429)', { cause: error });
    }
    const of = rateLimited ? '' : ` of ${this.settings.maxRetries}`;
    this.log.warn(`LLM call failed, retry ${attempt + 1}${of} in ${Math.round(delayMs)} ms: ${errorMessage(error)}`);
    return delayMs;
  }
}

function usageOf(completion: ChatCompletion): Usage {
  const usage = completion.usage;
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  return {
    llm_calls: 1,
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    total_tokens: usage?.total_tokens ?? 0,
    ...(typeof cached === 'number' ? { cached_tokens: cached } : {}),
  };
}
