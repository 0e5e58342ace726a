import {
  type ChatCompletionFunctionDefinition,
  type ChatCompletionRequest,
  type ChatMessage,
  FUNCTION_CALL_METADATA_TOKEN_OVERHEAD,
} from 'gpt-tokenizer/functionCalling';
import { countChatCompletionTokens, countTokens } from 'gpt-tokenizer/model/gpt-4o';
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
    throw new Error('gpt-tokenizer lacks function-calling token counts for gpt-4o');
  });

/** Prompt tokens of the request as sent: every message, every tool schema, with OpenAI's overheads (o200k_base). */
export function countPromptTokens(request: SimChatRequest): number {
  return countRequest({
    messages: request.messages.flatMap(chatMessages),
    functions: request.tools?.map(functionDefinition),
  });
}

/** Completion tokens of the reply: its text, and each tool call's name and arguments. */
export function countCompletionTokens(content: string | null, toolCalls: readonly SimToolCall[]): number {
  return (
    (content ? countTokens(content) : 0) +
    toolCalls.reduce((sum, call) => sum + countTokens(call.name) + countTokens(call.arguments) + FUNCTION_CALL_METADATA_TOKEN_OVERHEAD, 0)
  );
}
