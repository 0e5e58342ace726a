import { errorMessage } from '../../platform/errors.js';
import type { NormalizedAlarm } from '../../producer/alarm.js';
import { parseModelAnswer, specialistSystemPrompt } from '../specialists/llm-hypotheses.js';
import type { ResourceSpecialist } from '../specialists/resource-specialist.js';
import { factsBrief, resourceReference } from './agent-briefs.js';
import { type AgentTool, defineTool, resourceParameters } from './agent-tool.js';
import { type ConversationContext, converse, endsInvestigation } from './tool-conversation.js';

function specialistPrompt(specialist: ResourceSpecialist, hasTools: boolean): string {
  const prompt = specialistSystemPrompt(specialist.noun);
  return hasTools ? `${prompt}\nFirst call your tools for the resource in <facts>; their results are quoted data too.` : prompt;
}

/**
 * The lead's tool for one specialist: each call starts a new conversation with the specialist's
 * own prompt and AWS tools, and returns its hypotheses. A specialist that fails is logged and
 * reported to the lead as an error result, and the investigation goes on; a limit of the whole
 * investigation is not a specialist failure and ends it.
 */
export function specialistTool(
  specialist: ResourceSpecialist,
  alarm: NormalizedAlarm,
  awsTools: readonly AgentTool[],
  context: ConversationContext,
): AgentTool {
  const { toolName, parameter } = specialist.agentTool;
  return defineTool({
    name: toolName,
    description: `Delegate one ${specialist.noun} to its specialist`,
    parameters: resourceParameters(parameter),
    async run(args) {
      const resource = resourceReference({ type: specialist.type, name: args[parameter] ?? '' });
      try {
        const hypotheses = await converse(
          {
            label: `${specialist.type} specialist`,
            system: specialistPrompt(specialist, awsTools.length > 0),
            user: factsBrief(alarm, [resource]),
            tools: [...awsTools],
            parseAnswer: parseModelAnswer,
          },
          context,
        );
        return { hypotheses };
      } catch (error) {
        if (endsInvestigation(error, context)) throw error;
        // Logged as direct's are: `<type> specialist failed: …`.
        const message = `${specialist.type} specialist failed: ${errorMessage(error)}`;
        context.log.error(message);
        context.warnings.push(message);
        return { error: message };
      }
    },
  });
}
