import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { addUsage, ZERO_USAGE, type Usage } from '../../report/report.js';
import type { LlmSettings } from './llm-settings.js';

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
      maxRetries: settings.maxRetries,
    });
  }

  session(): LlmSession {
    return new LlmSession(this.openai, this.settings.model);
  }
}

export class LlmSession {
  usage: Usage = ZERO_USAGE;

  constructor(
    private readonly openai: OpenAI,
    readonly model: string,
  ) {}

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatCompletion> {
    const completion = await this.openai.chat.completions.create({ ...request, model: this.model }, { signal });
    this.usage = addUsage(this.usage, usageOf(completion));
    return completion;
  }
}

function usageOf(completion: ChatCompletion): Usage {
  const usage = completion.usage;
  return {
    llm_calls: 1,
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    total_tokens: usage?.total_tokens ?? 0,
  };
}
