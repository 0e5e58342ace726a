import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { Config } from '../../platform/config.js';
import type { RateLimiter, Turn } from '../../platform/rate-limiter.js';
import { LlmTurnWaitError } from '../errors.js';

/**
 * Completion tokens reserved for a request that sets no max_tokens: about what a hypotheses answer
 * of three items takes, and settled against the real count once the answer is in.
 */
export const DEFAULT_COMPLETION_ESTIMATE = 500;

/**
 * Tokens a request may count for before it is sent: its JSON at 3 characters per token (more than
 * English prose takes, about what quoted JSON facts take, so rarely under the count) plus the
 * completion it allows.
 */
export function estimateTokens(request: Omit<ChatCompletionCreateParamsNonStreaming, 'model'>): number {
  const promptChars = JSON.stringify(request.messages).length + (request.tools ? JSON.stringify(request.tools).length : 0);
  const completion = request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_COMPLETION_ESTIMATE;
  return Math.ceil(promptChars / 3) + completion;
}

/**
 * The fleet's budget at one LLM endpoint and model, per minute, shared through the rate limiter
 * (Redis in a worker: every replica and CLI on it counts against one budget).
 *
 * Tokens are known only once the answer is in, so a call reserves an estimate before it is sent
 * (estimateTokens) and settles with the usage the endpoint reports after: the difference is given
 * back or taken. Reserving beforehand keeps concurrent calls from all going at once on an idle
 * budget, which charging afterwards would allow; an estimate too high only delays the calls booked
 * while it is outstanding. Turns are evenly spaced (no burst), as the AWS limits are: endpoints may
 * enforce a per-minute limit over shorter periods (OpenAI enforces 60,000 RPM as 1,000 per second).
 */
export class LlmBudget {
  private readonly scope: string;
  private readonly requests: Turn | null;
  private readonly tokensRate: Turn['rate'] | null;

  constructor(
    private readonly limiter: RateLimiter,
    limits: { requestsPerMinute: number | null; tokensPerMinute: number | null },
    endpoint: { baseURL: string | undefined; model: string },
  ) {
    // By host and path only: a base URL may carry credentials, and the key must not.
    const base = endpoint.baseURL ? new URL(endpoint.baseURL) : new URL('https://api.openai.com/v1');
    this.scope = `llm:${base.host}${base.pathname}:${endpoint.model}`;
    this.requests = limits.requestsPerMinute ? { bucket: 'requests', rate: { perSecond: limits.requestsPerMinute / 60, burst: 1 } } : null;
    this.tokensRate = limits.tokensPerMinute ? { perSecond: limits.tokensPerMinute / 60, burst: 1 } : null;
  }

  private turns(tokens: number): Turn[] {
    return [
      ...(this.requests ? [this.requests] : []),
      ...(this.tokensRate ? [{ bucket: 'tokens', rate: this.tokensRate, cost: tokens }] : []),
    ];
  }

  /**
   * Books one request and `estimatedTokens` and waits for the turn; the ms waited. Throws
   * LlmTurnWaitError, booking nothing, when the turn comes after `deadline` (epoch ms).
   */
  async take(estimatedTokens: number, deadline: number, signal?: AbortSignal): Promise<number> {
    const wait = await this.limiter.reserve(this.scope, this.turns(estimatedTokens), Math.max(0, deadline - Date.now()));
    if (wait === null) throw new LlmTurnWaitError('budget (PROMPTRCA_LLM_RPM, PROMPTRCA_LLM_TPM)');
    if (wait > 0) await sleep(wait, undefined, { signal });
    return wait;
  }

  /** Replaces the estimate of a call that went by the tokens it used (0 when it was refused). */
  async settle(estimatedTokens: number, usedTokens: number): Promise<void> {
    if (this.tokensRate && usedTokens !== estimatedTokens) {
      await this.limiter.adjust(this.scope, { bucket: 'tokens', rate: this.tokensRate, cost: usedTokens - estimatedTokens });
    }
  }
}

/** The budget PROMPTRCA_LLM_RPM and PROMPTRCA_LLM_TPM set; null when neither is. */
export function llmBudgetFrom(
  config: Pick<Config, 'PROMPTRCA_LLM_RPM' | 'PROMPTRCA_LLM_TPM'>,
  limiter: RateLimiter,
  endpoint: { baseURL: string | undefined; model: string },
): LlmBudget | null {
  const limits = { requestsPerMinute: config.PROMPTRCA_LLM_RPM, tokensPerMinute: config.PROMPTRCA_LLM_TPM };
  return limits.requestsPerMinute || limits.tokensPerMinute ? new LlmBudget(limiter, limits, endpoint) : null;
}
