import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';

/**
 * A tool a model may call. `parameters` both validates the model's arguments and, rendered as
 * JSON Schema, is what the model is shown, so the two cannot drift apart.
 */
export interface AgentTool {
  readonly name: string;
  readonly description: string;
  readonly parameters: z.ZodType;
  /** Gets arguments already validated by `parameters`; returns data the conversation quotes back as JSON. */
  run(args: unknown): Promise<unknown>;
}

export function defineTool<Schema extends z.ZodType>(tool: {
  name: string;
  description: string;
  parameters: Schema;
  run(args: z.output<Schema>): Promise<unknown>;
}): AgentTool {
  return { ...tool, run: (args) => tool.run(args as z.output<Schema>) };
}

/** The tool as the chat-completions API takes it; no `$schema` key, which only costs tokens. */
export function toolDefinition(tool: AgentTool): ChatCompletionFunctionTool {
  const { $schema: _schema, ...parameters } = z.toJSONSchema(tool.parameters) as Record<string, unknown>;
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
}

/** One resource name, the arguments of every tool here; the parameter's name says what it is, at no extra tokens. */
export function resourceParameters<Name extends string>(parameter: Name) {
  return z.strictObject({ [parameter]: z.string().min(1) } as Record<Name, z.ZodString>);
}
