import type { ResourceSpecialist } from '../resource-specialist.js';
import type { LambdaEvidence } from './evidence.js';
import { gatherLambdaEvidence } from './gather-lambda-evidence.js';
import { lambdaDiscovery } from './lambda-discovery.js';
import { lambdaEvidenceFacts } from './lambda-evidence-facts.js';
import { FUNCTION_NAME, lambdaFactTools } from './lambda-fact-tools.js';
import { adviceFor } from './rules/advice.js';
import { lambdaHypotheses } from './rules/lambda-rules.js';

/** Reads each function's configuration, logs and metrics, and judges from their signals. */
export const lambdaSpecialist: ResourceSpecialist<LambdaEvidence> = {
  type: 'lambda',
  noun: 'Lambda function',
  agentTool: { toolName: 'investigate_lambda_function', parameter: FUNCTION_NAME },
  discovery: lambdaDiscovery,
  evidence: {
    gather: gatherLambdaEvidence,
    factTools: lambdaFactTools,
    facts: lambdaEvidenceFacts,
    behind: ({ callees }) =>
      (callees ?? []).map(({ functionName }) => ({ type: 'lambda', name: functionName, via: 'invoked by function' })),
  },
  hypotheses: ({ alarm, evidence }) => evidence.flatMap((read) => lambdaHypotheses(read, alarm)),
  advice: adviceFor,
};
