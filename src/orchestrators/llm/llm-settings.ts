import { loadConfig } from '../../platform/config.js';
import { InputError } from '../../platform/errors.js';

export const LLM_MODES = ['openai', 'none'] as const;
export type LlmMode = (typeof LLM_MODES)[number];

/** The defaults are those of llmSettingsFromEnv. */
export interface LlmSettings {
  /** @defaultValue OPENAI_API_KEY, else a placeholder (local endpoints ignore the key, the client needs one) */
  apiKey: string;
  /** @defaultValue OPENAI_BASE_URL, else OpenAI's own API */
  baseURL: string | undefined;
  /** @defaultValue 'gpt-4o-mini' (PROMPTRCA_MODEL) */
  model: string;
  /** Per attempt of one chat completion. @defaultValue 60000 */
  timeoutMs: number;
  /** Further attempts after a 408, 409, 429, 5xx or a dropped connection. @defaultValue 3 */
  maxRetries: number;
  /**
   * The longest Retry-After honoured; a server asking for more fails the call at once rather than
   * holding an investigation (and a worker slot) for that long.
   * @defaultValue 30000 (DEFAULT_MAX_RETRY_WAIT_MS)
   */
  maxRetryWaitMs?: number;
}

/** By contract, `--llm` defaults to openai when a key or an endpoint is configured, else none. */
export function defaultLlmMode(env: NodeJS.ProcessEnv): LlmMode {
  const config = loadConfig(env);
  return config.OPENAI_API_KEY || config.OPENAI_BASE_URL ? 'openai' : 'none';
}

export function parseLlmMode(value: string): LlmMode {
  if ((LLM_MODES as readonly string[]).includes(value)) return value as LlmMode;
  throw new InputError(`--llm ${JSON.stringify(value)} is not valid: allowed ${LLM_MODES.join(', ')}`);
}

export function llmSettingsFromEnv(env: NodeJS.ProcessEnv): LlmSettings {
  const config = loadConfig(env);
  return {
    // Local OpenAI-compatible servers ignore the key, but the client refuses to start without one.
    apiKey: config.OPENAI_API_KEY ?? 'not-needed-for-local-endpoints',
    baseURL: config.OPENAI_BASE_URL ?? undefined,
    model: config.PROMPTRCA_MODEL,
    timeoutMs: 60_000,
    maxRetries: 3,
  };
}

/**
 * The most one model call may send, as JSON characters of its messages (about 100k tokens, within
 * the context of the models we run): larger is refused before it is sent, never paid for.
 */
export const MAX_PROMPT_CHARS = 400_000;
