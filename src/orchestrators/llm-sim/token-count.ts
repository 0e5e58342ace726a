import {
  type ChatCompletionFunctionDefinition,
  type ChatCompletionRequest,
  type ChatMessage,
  FUNCTION_CALL_METADATA_TOKEN_OVERHEAD,
} from 'gpt-tokenizer/functionCalling';
import { countChatCompletionTokens, countTokens } from 'gpt-tokenizer/model/gpt-4o';
import { TokenizerUnsupportedError } from '../errors.js';
import { type SimChatRequest, type SimMessage, textOf } from './chat-request.js';

export interface SimToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * The message as OpenAI's token accounting renders it: each tool call of an assistant message is
 * a function call of its own, and a tool result is a message with the tool's role.
 */
function chatMessages(message: SimMessage): ChatMessage[] {
  const text: ChatMessage = { role: message.role, content: textOf(message) };
  const calls = (message.tool_calls ?? []).map((call) => ({
    role: 'assistant',
    content: '',
    function_call: { name: call.function.name, arguments: call.function.arguments },
  }));
  return calls.length > 0 && !text.content ? calls : [text, ...calls];
}

function functionDefinition(tool: NonNullable<SimChatRequest['tools']>[number]): ChatCompletionFunctionDefinition {
  return {
    name: tool.function.name,
    description: tool.function.description,
    // The counter renders JSON Schema as OpenAI does (a TypeScript namespace); unknown keywords are skipped.
    parameters: tool.function.parameters as unknown as ChatCompletionFunctionDefinition['parameters'],
  };
}

const countRequest: (request: ChatCompletionRequest) => number =
  countChatCompletionTokens ??
  (() => {
    throw new TokenizerUnsupportedError('gpt-tokenizer lacks function-calling token counts for gpt-4o');
  });

/**
 * The tokenizer merges each run of text without spaces as one piece, in time quadratic in its
 * length (100k repeated characters took 10 s): longer runs are counted in pieces of this size,
 * which keeps counting linear and changes the count only at the cuts.
 */
const MAX_RUN_CHARS = 256;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN_CHARS + 1},}`, 'g');

/** Tokens of the long runs of `text`, counted piecewise, and the text without them. */
function splitLongRuns(text: string): { rest: string; runTokens: number } {
  let runTokens = 0;
  const rest = text.replace(LONG_RUN, (run) => {
    for (let at = 0; at < run.length; at += MAX_RUN_CHARS) runTokens += countTokens(run.slice(at, at + MAX_RUN_CHARS));
    return '';
  });
  return { rest, runTokens };
}

function countText(text: string): number {
  const { rest, runTokens } = splitLongRuns(text);
  return countTokens(rest) + runTokens;
}

/** Prompt tokens of the request as sent: every message, every tool schema, with OpenAI's overheads (o200k_base). */
export function countPromptTokens(request: SimChatRequest): number {
  let runTokens = 0;
  const messages = request.messages.flatMap(chatMessages).map((message) => {
    if (typeof message.content !== 'string') return message;
    const split = splitLongRuns(message.content);
    runTokens += split.runTokens;
    return { ...message, content: split.rest };
  });
  return countRequest({ messages, functions: request.tools?.map(functionDefinition) }) + runTokens;
}

/** Completion tokens of the reply: its text, and each tool call's name and arguments. */
export function countCompletionTokens(content: string | null, toolCalls: readonly SimToolCall[]): number {
  return (
    (content ? countText(content) : 0) +
    toolCalls.reduce((sum, call) => sum + countTokens(call.name) + countText(call.arguments) + FUNCTION_CALL_METADATA_TOKEN_OVERHEAD, 0)
  );
}
