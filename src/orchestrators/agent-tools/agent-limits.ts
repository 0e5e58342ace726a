import { AgentLimitError } from '../errors.js';
import type { LlmSession } from '../llm/llm-client.js';

/** What bounds one agents-as-tools investigation, so that no model behaviour can make it run on. */
export interface AgentLimits {
  /** Model turns per conversation (the lead's, and each specialist's). @defaultValue 6 */
  maxTurns: number;
  /** Tool calls the models may make in the whole investigation, specialists included. @defaultValue 30 */
  maxToolCalls: number;
  /** Total tokens of the whole investigation. @defaultValue 40000 */
  tokenBudget: number;
  /** Per AWS call of a fact tool; each LLM call is bounded by the client's own timeout. @defaultValue 10000 */
  factTimeoutMs: number;
}

export const DEFAULT_AGENT_LIMITS: AgentLimits = {
  maxTurns: 6,
  maxToolCalls: 30,
  tokenBudget: 40_000,
  factTimeoutMs: 10_000,
};

/** The investigation-wide counters; conversations charge them as they go. */
export class AgentBudget {
  private toolCalls = 0;

  constructor(
    readonly limits: AgentLimits,
    private readonly session: LlmSession,
  ) {}

  chargeToolCall(name: string): void {
    this.toolCalls += 1;
    if (this.toolCalls > this.limits.maxToolCalls) {
      throw new AgentLimitError('tool_calls', `tool-call limit of ${this.limits.maxToolCalls} reached (next call: ${name})`);
    }
  }

  /** After each completion: the call that crosses the budget is the last one. */
  checkTokens(): void {
    const { total_tokens: used, llm_calls: calls } = this.session.usage;
    if (used > this.limits.tokenBudget) {
      throw new AgentLimitError('tokens', `token budget of ${this.limits.tokenBudget} exhausted (${used} tokens in ${calls} LLM calls)`);
    }
  }
}
