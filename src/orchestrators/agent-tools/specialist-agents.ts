import { errorMessage } from '../../platform/errors.js';
import type { NormalizedAlarm } from '../../producer/alarm.js';
import type { ResourceType } from '../../report/report.js';
import { parseModelAnswer, specialistSystemPrompt } from '../specialists/llm-hypotheses.js';
import { AgentLimitError } from './agent-limits.js';
import { defineTool, resourceParameters, type AgentTool } from './agent-tool.js';
import { factsBrief, resourceReference } from './agent-briefs.js';
import { converse, type ConversationContext } from './tool-conversation.js';

export interface SpecialistAgent {
  /** Logs say `<name> specialist failed: …`, as direct's do. */
  name: ResourceType;
  /** The lead's tool that starts this specialist. */
  toolName: string;
  parameter: string;
  what: string;
}

/** One per resource type the discovery knows; each is a tool of the lead. */
export const SPECIALIST_AGENTS: readonly SpecialistAgent[] = [
  { name: 'lambda', toolName: 'investigate_lambda_function', parameter: 'function_name', what: 'Lambda function' },
  { name: 'apigateway', toolName: 'investigate_api_gateway', parameter: 'api_name', what: 'API Gateway API' },
  { name: 'dynamodb', toolName: 'investigate_dynamodb_table', parameter: 'table_name', what: 'DynamoDB table' },
  { name: 'sqs', toolName: 'investigate_sqs_queue', parameter: 'queue_name', what: 'SQS queue' },
  { name: 'sns', toolName: 'investigate_sns_topic', parameter: 'topic_name', what: 'SNS topic' },
  { name: 'stepfunctions', toolName: 'investigate_step_function', parameter: 'state_machine_name', what: 'Step Functions state machine' },
];

function specialistPrompt(agent: SpecialistAgent, hasTools: boolean): string {
  const prompt = specialistSystemPrompt(agent.what);
  return hasTools ? `${prompt}\nFirst call your tools for the resource in <facts>; their results are quoted data too.` : prompt;
}

/**
 * The lead's tool for one specialist: each call starts a new conversation with the specialist's
 * own prompt and AWS tools, and returns its hypotheses. A specialist that fails is logged and
 * reported to the lead as an error result, and the investigation goes on; a limit of the whole
 * investigation is not a specialist failure and ends it.
 */
export function specialistTool(
  agent: SpecialistAgent,
  alarm: NormalizedAlarm,
  awsTools: readonly AgentTool[],
  context: ConversationContext,
): AgentTool {
  return defineTool({
    name: agent.toolName,
    description: `Delegate one ${agent.what} to its specialist`,
    parameters: resourceParameters(agent.parameter),
    async run(args) {
      const resource = resourceReference({ type: agent.name, name: args[agent.parameter] ?? '' });
      try {
        const hypotheses = await converse(
          {
            label: `${agent.name} specialist`,
            system: specialistPrompt(agent, awsTools.length > 0),
            user: factsBrief(alarm, [resource]),
            tools: [...awsTools],
            parseAnswer: parseModelAnswer,
          },
          context,
        );
        return { hypotheses };
      } catch (error) {
        if (error instanceof AgentLimitError || context.signal?.aborted) throw error;
        const message = `${agent.name} specialist failed: ${errorMessage(error)}`;
        context.log.error(message);
        context.warnings.push(message);
        return { error: message };
      }
    },
  });
}
