import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { APIConnectionError } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { Logger } from 'winston';
import { errorMessage } from '../../platform/errors.js';
import { logger } from '../../platform/log.js';
import { addUsage, type Usage, ZERO_USAGE } from '../../report/report.js';
import { LlmUnavailableError, PromptTooLargeError } from '../errors.js';
import { type LlmSettings, MAX_PROMPT_CHARS } from './llm-settings.js';
import { DEFAULT_MAX_RETRY_WAIT_MS, retryDelayMs } from './retry-policy.js';

export type ChatRequest = Omit<ChatCompletionCreateParamsNonStreaming, 'model'>;

/**
 * One OpenAI-compatible client shared by both orchestrators. Each investigation opens a
 * session so that its own calls and tokens are counted, whatever else runs concurrently.
 */
export class LlmClient {
  private readonly openai: OpenAI;

  constructor(readonly settings: LlmSettings) {
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
    return new LlmSession(this.openai, this.settings, log);
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
  ) {
    this.model = settings.model;
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatCompletion> {
    const promptChars = JSON.stringify(request.messages).length;
    if (promptChars > MAX_PROMPT_CHARS) {
      throw new PromptTooLargeError(
        `the prompt holds ${promptChars} characters, more than the ${MAX_PROMPT_CHARS} one model call may send`,
      );
    }
    const maxWaitMs = this.settings.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const completion = await this.openai.chat.completions.create({ ...request, model: this.model }, { signal });
        this.usage = addUsage(this.usage, usageOf(completion));
        return completion;
      } catch (error) {
        const delayMs = signal?.aborted ? null : retryDelayMs(error, attempt, this.settings.maxRetries, maxWaitMs);
        if (delayMs === null) {
          // A timeout carries no status and no cause to tell it from a bug; say what it is.
          throw error instanceof APIConnectionError ? new LlmUnavailableError(errorMessage(error), { cause: error }) : error;
        }
        this.log.warn(
          `LLM call failed, retry ${attempt + 1} of ${this.settings.maxRetries} in ${Math.round(delayMs)} ms: ${errorMessage(error)}`,
        );
        await sleep(delayMs, undefined, { signal });
      }
    }
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
