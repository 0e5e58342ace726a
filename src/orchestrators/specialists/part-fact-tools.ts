import { errorMessage } from '../../platform/errors.js';
import type { Fact, Resource } from '../../report/report.js';
import { defineTool, resourceParameters } from '../agent-tools/agent-tool.js';
import { EvidenceNotebook } from '../agent-tools/evidence-notebook.js';
import { FailedReads } from '../agent-tools/failed-reads.js';
import type { AwsClients } from '../aws/clients.js';
import { UndiscoveredResourceError } from '../errors.js';
import type { TimeWindow } from '../investigation-window.js';
import type { FactToolSet } from './resource-specialist.js';

/** What one part's read gets: everything but the resource is fixed by code, not by the model. */
export interface PartRead<Evidence> {
  aws: AwsClients;
  /** The discovered resource the model named, with its ARN and qualifier. */
  resource: Resource;
  window: TimeWindow;
  /** What the resource's other tools have read so far (a queue's ARN, a table's indexes). */
  known: Evidence;
  /** Errors of sub-reads that failed while the part was still read (a consumer's timeout). */
  failures: unknown[];
}

export interface PartTool<Evidence> {
  name: string;
  description: string;
  /** Reads one part of the resource's evidence; throws when that part cannot be read. */
  read(input: PartRead<Evidence>): Promise<Partial<Evidence>>;
  /**
   * What the model is shown of the resource's evidence with this part read.
   * @defaultValue the specialist's facts about it, as lines
   */
  result?(evidence: Evidence): object;
}

export interface PartToolSpec<Evidence> {
  /** The resource type the tools read. */
  type: string;
  /** The delegation's parameter, which every tool takes too. */
  parameter: string;
  /** A resource's evidence before any part of it is read. */
  empty(resource: Resource): Evidence;
  facts(evidence: Evidence): Fact[];
  tools: readonly PartTool<Evidence>[];
}

/**
 * agent_tools' AWS tools of a specialist, one per part of what direct's `gather` reads, as the
 * legacy design's specialists had. Each is read-only; the model picks a resource among those
 * discovery found, and code fixes the time window and everything else read. The calls are those of
 * `gather` (shared through the investigation's answer-once clients when two tools need the same
 * one), so both orchestrators judge from the same facts.
 */
export function partFactTools<Evidence>(spec: PartToolSpec<Evidence>) {
  return (aws: AwsClients, window: TimeWindow, _timeoutMs: number, resources: readonly Resource[]): FactToolSet<Evidence> => {
    const discovered = resources.filter((resource) => resource.type === spec.type);
    const resourceNamed = (name: string) => discovered.find((resource) => resource.name === name) ?? { type: spec.type, name };
    const notebook = new EvidenceNotebook((name) => spec.empty(resourceNamed(name)));
    const failed = new FailedReads();
    const tools = spec.tools.map((tool) =>
      defineTool({
        name: tool.name,
        description: tool.description,
        parameters: resourceParameters(spec.parameter),
        async run(args) {
          const name = args[spec.parameter] ?? '';
          const resource = discovered.find((candidate) => candidate.name === name);
          if (!resource) {
            throw new UndiscoveredResourceError(
              `${name} is not among the discovered resources: ${discovered.map((r) => r.name).join(', ') || 'none of this type'}`,
            );
          }
          const key = `${tool.name} of ${name}`;
          const failures: unknown[] = [];
          const known = notebook.get(name) ?? spec.empty(resource);
          let part: Partial<Evidence>;
          try {
            part = await tool.read({ aws, resource, window, known, failures });
          } catch (error) {
            failed.set(key, [...failures, error]);
            throw error;
          }
          failed.set(key, failures);
          notebook.record(name, part);
          const shown = { ...spec.empty(resource), ...part };
          const result = tool.result?.(shown) ?? { facts: spec.facts(shown).map((fact) => fact.content) };
          return failures.length > 0 ? { ...result, failed_reads: failures.map(errorMessage) } : result;
        },
      }),
    );
    return { tools, read: () => notebook.all(), failures: () => failed.all() };
  };
}
