import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import type { Logger } from 'winston';
import { errorMessage } from '../../platform/errors.js';
import { clip } from '../clip.js';
import { discoveryWarning } from '../discover-all-resources.js';
import { AgentLimitError, LlmTurnWaitError, ModelOutputError, TurnLimitError } from '../errors.js';
import type { LlmSession } from '../llm/llm-client.js';
import { promptJson } from '../quoted-data-block.js';
import type { AgentBudget } from './agent-limits.js';
import { type AgentTool, toolDefinition } from './agent-tool.js';

export interface Conversation<Answer> {
  /** Names the conversation in logs and warnings: "lead agent", "lambda specialist". */
  label: string;
  system: string;
  user: string;
  tools: AgentTool[];
  /** Throws ModelOutputError when the answer is not what the prompt asked for. */
  parseAnswer(content: string | null | undefined): Answer;
}

export interface ConversationContext {
  session: LlmSession;
  budget: AgentBudget;
  log: Logger;
  /** Malformed model output and failed tools, recorded for the report. */
  warnings: string[];
  signal?: AbortSignal;
}

/**
 * Whether a failure inside a tool ends the whole investigation rather than going back to the model
 * as the tool's error: a limit reached, a model call with no turn before the deadline (the
 * investigation is tried again later), or the investigation stopped.
 */
export function endsInvestigation(error: unknown, context: ConversationContext): boolean {
  return error instanceof AgentLimitError || error instanceof LlmTurnWaitError || context.signal?.aborted === true;
}

function record(context: ConversationContext, warning: string): void {
  context.log.warn(warning);
  context.warnings.push(warning);
}

function errorResult(message: string): string {
  return JSON.stringify({ error: message });
}

function firstIssue(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || '(arguments)'}: ${issue.message}` : 'invalid';
}

/**
 * One tool call of the model, answered with the tool's result or with an error the model can act
 * on. Malformed calls (an unknown tool, arguments that are not JSON or of the wrong shape, the
 * same call again) are recorded and never reach a tool.
 */
async function answerToolCall(
  call: ChatCompletionMessageToolCall,
  label: string,
  tools: readonly AgentTool[],
  made: Set<string>,
  context: ConversationContext,
): Promise<string> {
  if (call.type !== 'function') {
    record(context, `${label} made a ${call.type} tool call; only function tools exist`);
    return errorResult('only function tools exist');
  }
  const { name, arguments: text } = call.function;
  context.budget.chargeToolCall(name);
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) {
    record(context, `${label} called an unknown tool ${JSON.stringify(clip(name, 80))}`);
    return errorResult(`unknown tool ${JSON.stringify(name)}; available: ${tools.map((t) => t.name).join(', ')}`);
  }
  let args: unknown;
  try {
    args = JSON.parse(text || '{}');
  } catch {
    record(context, `${label} called ${name} with arguments that are not JSON: ${clip(text, 120)}`);
    return errorResult('arguments are not JSON');
  }
  const parsed = tool.parameters.safeParse(args);
  if (!parsed.success) {
    const problem = firstIssue(parsed.error);
    record(context, `${label} called ${name} with arguments of the wrong shape: ${problem}`);
    return errorResult(`arguments rejected: ${problem}`);
  }
  const key = `${name}${JSON.stringify(parsed.data)}`;
  if (made.has(key)) {
    record(context, `${label} repeated the call ${name} ${JSON.stringify(parsed.data)}`);
    return errorResult('already called with these arguments; its result is above. Answer now.');
  }
  made.add(key);
  try {
    // Tool results hold log lines: encoded so that no text in them reads as a tag.
    return promptJson(await tool.run(parsed.data));
  } catch (error) {
    if (endsInvestigation(error, context)) throw error;
    // A read discovery made and failed on (the same call, answered once) is in the report once.
    if (!context.warnings.includes(discoveryWarning(error))) record(context, `${label}: ${name} failed: ${errorMessage(error)}`);
    return errorResult(errorMessage(error));
  }
}

/**
 * The tool-calling loop of one agent: the model calls tools, their results go back as quoted
 * data, until it answers. Tools are called one per turn, as in the legacy pattern. An answer
 * that fails validation is sent back once per turn with the reason; the turn limit ends the rest.
 */
export async function converse<Answer>(conversation: Conversation<Answer>, context: ConversationContext): Promise<Answer> {
  const { label, tools } = conversation;
  const definitions = tools.map(toolDefinition);
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: conversation.system },
    { role: 'user', content: conversation.user },
  ];
  const made = new Set<string>();
  const maxTurns = context.budget.limits.maxTurns;
  for (let turn = 0; turn < maxTurns; turn += 1) {
    const completion = await context.session.chat(
      {
        messages,
        // One call per turn: the legacy agent decides each step after seeing the last result.
        ...(definitions.length > 0 ? { tools: definitions, parallel_tool_calls: false } : {}),
        temperature: 0,
      },
      context.signal,
    );
    context.budget.checkTokens();
    const message = completion.choices[0]?.message;
    const calls = message?.tool_calls ?? [];
    if (calls.length > 0) {
      messages.push({ role: 'assistant', content: message?.content ?? null, tool_calls: calls });
      for (const call of calls) {
        messages.push({ role: 'tool', tool_call_id: call.id, content: await answerToolCall(call, label, tools, made, context) });
      }
      continue;
    }
    try {
      return conversation.parseAnswer(message?.content);
    } catch (error) {
      if (!(error instanceof ModelOutputError)) throw error;
      record(context, `${label}: answer rejected: ${error.message}`);
      messages.push(
        { role: 'assistant', content: message?.content ?? '' },
        { role: 'user', content: `That answer was rejected: ${error.message}. Answer again with only the JSON object asked for.` },
      );
    }
  }
  throw new TurnLimitError(`${label} reached the turn limit of ${maxTurns} without a valid answer`);
}
