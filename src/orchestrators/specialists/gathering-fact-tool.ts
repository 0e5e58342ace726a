import { errorMessage } from '../../platform/errors.js';
import type { Resource } from '../../report/report.js';
import { defineTool, resourceParameters } from '../agent-tools/agent-tool.js';
import { FailedReads } from '../agent-tools/failed-reads.js';
import type { AwsClients } from '../aws/clients.js';
import type { TimeWindow } from '../investigation-window.js';
import type { FactToolSet, GatheredEvidence } from './resource-specialist.js';

export interface GatheringTool<Evidence> {
  /** The resource type the tool reads, as `gather` gets it in a Resource. */
  type: string;
  name: string;
  description: string;
  /** The delegation's parameter, which the tool takes too. */
  parameter: string;
  gather(aws: AwsClients, resource: Resource, window: TimeWindow): Promise<GatheredEvidence<Evidence>>;
  /** What the model is shown of the evidence: compact, figures and quoted causes only. */
  result(evidence: Evidence): object;
}

/**
 * agent_tools' AWS tool of a specialist that reads one resource in one go: the very reads direct's
 * `gather` makes, so both orchestrators judge from the same facts. Failed reads are named in the
 * result; a resource of which nothing could be read is the tool's error.
 */
export function gatheringFactTools<Evidence>(tool: GatheringTool<Evidence>) {
  return (aws: AwsClients, window: TimeWindow, _timeoutMs: number, resources: readonly Resource[]): FactToolSet<Evidence> => {
    // Each read is whole, so the latest answer per resource is all there is to keep.
    const read = new Map<string, Evidence>();
    const failed = new FailedReads();
    const tools = [
      defineTool({
        name: tool.name,
        description: tool.description,
        parameters: resourceParameters(tool.parameter),
        async run(args) {
          const name = args[tool.parameter] ?? '';
          const known = resources.find((resource) => resource.type === tool.type && resource.name === name);
          const gathered = await tool.gather(aws, known ?? { type: tool.type, name }, window);
          failed.set(name, gathered.failures);
          if (gathered.nothingRead) throw gathered.failures[0] ?? new Error(`nothing could be read of ${name}`);
          read.set(name, gathered.evidence);
          return { ...tool.result(gathered.evidence), failed_reads: gathered.failures.map(errorMessage) };
        },
      }),
    ];
    return {
      tools,
      read: () => [...read.entries()].map(([name, evidence]) => ({ name, evidence })),
      failures: () => failed.all(),
    };
  };
}
