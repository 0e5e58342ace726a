import { ROOT_CAUSE_TYPES } from '../../report/report.js';
import { fillShape, readInstructions } from './answer-shape.js';
import type { SimChatRequest } from './chat-request.js';
import { quotedData } from './quoted-data.js';
import { judge } from './sim-judgement.js';
import type { SimToolCall } from './token-count.js';
import { nextToolCalls } from './tool-policy.js';

export interface SimReply {
  content: string | null;
  toolCalls: SimToolCall[];
}

/** Plain text when the request asks for neither JSON nor a shape: the most likely cause, said once. */
function prose(type: string, description: string, confidence: number): string {
  return `Most likely cause: ${type} (confidence ${confidence}): ${description}`;
}

/**
 * The simulated model's next message: the tool calls the conversation still calls for, else the
 * final answer in the shape the prompt asks for. A pure function of the request.
 */
export function simulateReply(request: SimChatRequest): SimReply {
  const data = quotedData(request.messages);
  const turn = request.messages.filter((message) => message.role === 'assistant').length;
  const calls = nextToolCalls(request, data);
  if (calls.length > 0) {
    return {
      content: null,
      toolCalls: calls.map((call, index) => ({ id: `call_${turn}_${index}`, name: call.name, arguments: JSON.stringify(call.arguments) })),
    };
  }
  const instructions = readInstructions(request.messages);
  const hypotheses = judge(data, instructions.allowedTypes ?? ROOT_CAUSE_TYPES).slice(0, instructions.maxItems ?? undefined);
  const wantsJson = instructions.shape !== null || (request.response_format && request.response_format.type !== 'text');
  const [top] = hypotheses;
  const content =
    wantsJson || !top ? JSON.stringify(fillShape(instructions.shape, hypotheses)) : prose(top.type, top.description, top.confidence);
  return { content, toolCalls: [] };
}
