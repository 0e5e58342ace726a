import { SPECIALISTS } from '../specialists/registry.js';
import type { SimChatRequest, SimTool } from './chat-request.js';
import { type QuotedData, resourceReferences } from './quoted-data.js';

export interface PlannedCall {
  name: string;
  arguments: Record<string, string>;
}

/** Which type of resource a parameter of that name takes its value from. */
const PARAMETER_RESOURCE_TYPES = new Map(SPECIALISTS.map(({ type, agentTool }) => [agentTool.parameter, type]));

/** Tools that hand the work to a specialist: a lead delegates rather than fetching facts itself. */
const DELEGATION = /^investigate_/;

function requiredParameters(tool: SimTool): string[] {
  const required = tool.function.parameters?.required;
  return Array.isArray(required) ? required.filter((name): name is string => typeof name === 'string') : [];
}

/** One call per resource the data names for the tool's single required parameter; none when it cannot be filled. */
function callsFor(tool: SimTool, references: Map<string, string[]>): PlannedCall[] {
  const required = requiredParameters(tool);
  if (required.length === 0) return [{ name: tool.function.name, arguments: {} }];
  const [parameter] = required;
  const resourceType = parameter === undefined || required.length > 1 ? undefined : PARAMETER_RESOURCE_TYPES.get(parameter);
  if (!parameter || !resourceType) return [];
  return (references.get(resourceType) ?? []).map((value) => ({ name: tool.function.name, arguments: { [parameter]: value } }));
}

function callKey(name: string, args: unknown): string {
  return `${name}\u0000${JSON.stringify(args)}`;
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function offeredTools(request: SimChatRequest): SimTool[] {
  const choice = request.tool_choice;
  if (!request.tools || choice === 'none') return [];
  if (typeof choice === 'object') return request.tools.filter((tool) => tool.function.name === choice.function.name);
  return request.tools;
}

/**
 * The tool calls a diligent model would make next: each offered tool once per resource the data
 * names, never a call already made in this conversation. A lead (it holds `investigate_*` tools)
 * delegates every resource to its specialist and then answers; a specialist calls each of its fact
 * tools and then answers. All calls of a turn come together unless parallel_tool_calls is false.
 */
export function nextToolCalls(request: SimChatRequest, data: QuotedData): PlannedCall[] {
  const tools = offeredTools(request);
  const made = new Set(
    request.messages.flatMap((message) =>
      (message.tool_calls ?? []).map((call) => callKey(call.function.name, parseArguments(call.function.arguments))),
    ),
  );
  const references = resourceReferences(data);
  const isLead = tools.some((tool) => DELEGATION.test(tool.function.name));
  const candidates = tools
    .filter((tool) => !isLead || DELEGATION.test(tool.function.name))
    .flatMap((tool) => callsFor(tool, references))
    .filter((call) => !made.has(callKey(call.name, call.arguments)));
  return request.parallel_tool_calls === false ? candidates.slice(0, 1) : candidates;
}
