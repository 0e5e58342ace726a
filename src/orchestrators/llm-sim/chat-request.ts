import { z } from 'zod';
import { SimRequestError } from '../errors.js';

const TextPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });
const ContentSchema = z.union([z.string(), z.array(TextPartSchema), z.null()]).optional();

const ToolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const MessageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: ContentSchema,
  tool_calls: z.array(ToolCallSchema).optional(),
  tool_call_id: z.string().optional(),
});

const ToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
]);

/** The part of the chat-completions API the simulator reads; other fields (temperature …) are accepted and ignored. */
export const SimChatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(MessageSchema).min(1),
  tools: z.array(ToolSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).optional(),
  stream: z.boolean().optional(),
  n: z.number().int().optional(),
});
export type SimChatRequest = z.infer<typeof SimChatRequestSchema>;
export type SimMessage = SimChatRequest['messages'][number];
export type SimTool = NonNullable<SimChatRequest['tools']>[number];

export function textOf(message: SimMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text ?? '').join('');
}

/**
 * OpenAI's rule: an assistant message with tool calls is followed by one tool message per call,
 * and a tool message answers a call made just before it. Enforcing it here catches agent-loop bugs
 * in tests exactly where the real API would.
 */
function checkToolMessages(messages: readonly SimMessage[]): void {
  let open = new Set<string>();
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (!message.tool_call_id || !open.delete(message.tool_call_id)) {
        throw new SimRequestError(
          `messages[${index}]: a tool message must answer a tool call of the assistant message before it`,
          `messages.[${index}].tool_call_id`,
        );
      }
      continue;
    }
    if (open.size > 0) {
      throw new SimRequestError(
        `messages[${index}]: tool calls ${[...open].join(', ')} were not answered by tool messages`,
        `messages.[${index}]`,
      );
    }
    open = new Set((message.role === 'assistant' ? (message.tool_calls ?? []) : []).map((call) => call.id));
  }
}

export function parseChatRequest(body: unknown): SimChatRequest {
  const parsed = SimChatRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new SimRequestError(`${path || 'request'}: ${issue?.message ?? 'invalid'}`, path || null);
  }
  const request = parsed.data;
  if (request.stream) throw new SimRequestError('llm-sim does not stream: send stream false or leave it out', 'stream');
  if (request.n !== undefined && request.n !== 1) throw new SimRequestError('llm-sim answers one choice: n must be 1', 'n');
  checkToolMessages(request.messages);
  return request;
}
