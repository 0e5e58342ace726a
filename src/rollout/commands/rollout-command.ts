import type { Command } from 'commander';
import { DEFAULT_METRICS_PORT, parseOption, wholeNumberOption } from '../../platform/config.js';
import { InputError } from '../../platform/errors.js';
import { logger } from '../../platform/log.js';
import { startMetricsServer } from '../../platform/metrics-server.js';
import { metricsAddressFrom } from '../../platform/metrics-settings.js';
import { redisReadiness, writeProbeKey } from '../../platform/readiness.js';
import { describeRedisTarget } from '../../platform/redis-connection.js';
import { INVESTIGATIONS_QUEUE } from '../../producer/investigations-queue.js';
import { print, withQueues } from '../../report/operator-command.js';
import { type PromptRcaQueues, RESULTS_QUEUE } from '../../report/queues.js';
import type { OrchestratorType } from '../../report/report.js';
import { DURATION_WITH_SECONDS, parseDuration } from '../../report/since-option.js';
import { PROMOTION_GATES } from '../../report/verdict.js';
import { announceRolloutChange } from '../announce-rollout-change.js';
import { type AssignmentSplit, recentAssignments, splitOf } from '../assignment-log.js';
import { ROLLOUT_CACHE_MS } from '../cached-rollout-reader.js';
import {
  type EffectiveRollout,
  type EffectiveValue,
  effectiveRollout,
  storedDirectPercentage,
  unstoredValues,
} from '../effective-rollout.js';
import { InvalidStoredRolloutError } from '../errors.js';
import { GuardMetrics } from '../guard-metrics.js';
import { type GuardRun, guardOnce, runGuardLoop } from '../guard-runner.js';
import { type AuditEntry, auditReason, formatAuditEntry, operatorName, readAudit } from '../rollout-audit.js';
import { applyRolloutChange, type RolloutChange, readStoredRollout, rolloutKey, type StoredRollout } from '../rollout-state.js';
import { StoredAssignmentSchema } from '../stored-assignment.js';

export interface RolloutStatus {
  redis: string;
  prefix: string;
  key: string;
  effective: Omit<EffectiveRollout, 'flags'>;
  /** The stored state as read, or null when it is invalid (`stored_problem` says why). */
  stored: StoredRollout | null;
  stored_problem: string | null;
  last_assignments: AssignmentSplit;
  /** Investigations running now, by the orchestrator stored on each: a rollback does not move them. */
  in_flight: Record<OrchestratorType | 'unassigned', number>;
  audit: Array<AuditEntry | { unreadable: string }>;
}

const AUDIT_SHOWN = 20;

async function readStoredLeniently(queues: PromptRcaQueues): Promise<{ stored: StoredRollout | null; problem: string | null }> {
  try {
    return { stored: await readStoredRollout(queues.redis, queues.prefix), problem: null };
  } catch (error) {
    if (!(error instanceof InvalidStoredRolloutError)) throw error;
    return { stored: null, problem: `${error.message}: workers ignore it and route with their environment's flags` };
  }
}

async function inFlight(queues: PromptRcaQueues): Promise<RolloutStatus['in_flight']> {
  const counts = { direct_invocation: 0, agent_tools: 0, unassigned: 0 };
  for (const job of await queues.investigations.getActive()) {
    const stored = StoredAssignmentSchema.safeParse((job.data as { assignment?: unknown }).assignment);
    counts[stored.success ? stored.data.orchestrator_type : 'unassigned'] += 1;
  }
  return counts;
}

export async function rolloutStatus(queues: PromptRcaQueues, env: NodeJS.ProcessEnv, last: number): Promise<RolloutStatus> {
  const { redis, prefix } = queues;
  const [{ stored, problem }, assignments, in_flight, audit] = await Promise.all([
    readStoredLeniently(queues),
    recentAssignments(redis, prefix, last),
    inFlight(queues),
    readAudit(redis, prefix, AUDIT_SHOWN),
  ]);
  const { flags: _flags, ...effective } = effectiveRollout(env, stored);
  return {
    redis: describeRedisTarget(queues.target),
    prefix,
    key: rolloutKey(prefix),
    effective,
    stored,
    stored_problem: problem,
    last_assignments: splitOf(assignments),
    in_flight,
    audit,
  };
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function valueLine(name: string, value: EffectiveValue<unknown>): string {
  return `  ${name.padEnd(12)}${String(value.value ?? 'none').padEnd(13)}(${value.source})`;
}

export function formatRolloutStatus(status: RolloutStatus): string {
  const { effective, last_assignments: split, in_flight: flight } = status;
  const forced = effective.force.value;
  const lines = [
    `rollout on ${status.redis} (key ${status.key})`,
    valueLine('enabled', effective.enabled),
    valueLine('percentage', effective.percentage),
    valueLine('force', effective.force),
    forced
      ? `  → FORCE=${forced} in this environment: such a process routes everything to it`
      : `  → ${effective.direct_percentage}% of new investigations go to direct_invocation, the rest to agent_tools`,
    "  (env/default values are this shell's; each worker uses its own environment for a value never stored, and for FORCE)",
  ];
  if (status.stored_problem) lines.push(`  STORED STATE INVALID: ${status.stored_problem}`);
  lines.push(
    split.assignments === 0
      ? 'last assignments: none yet'
      : `last ${split.assignments} assignments: ${split.by_orchestrator.direct_invocation} direct_invocation (${percent(split.direct_share ?? 0)}), ` +
          `${split.by_orchestrator.agent_tools} agent_tools; made at ${Object.entries(split.by_percentage)
            .map(([at, count]) => `${at}%: ${count}`)
            .join(', ')}; from ${Object.entries(split.by_source)
            .filter(([, count]) => count > 0)
            .map(([source, count]) => `${source}: ${count}`)
            .join(', ')}`,
    `in flight: ${flight.direct_invocation} direct_invocation, ${flight.agent_tools} agent_tools` +
      `${flight.unassigned ? `, ${flight.unassigned} not yet assigned` : ''} (each keeps the orchestrator it was assigned)`,
    status.audit.length === 0 ? 'audit: no changes yet' : `audit (newest first, last ${AUDIT_SHOWN}):`,
    ...status.audit.map((entry) => `  ${'unreadable' in entry ? `unreadable entry: ${entry.unreadable}` : formatAuditEntry(entry)}`),
  );
  return lines.join('\n');
}

/** `--percentage` and `--enabled` as `rollout set` takes them; bad values exit 2 naming the option. */
export function rolloutChangeFromOptions(options: { percentage?: string; enabled?: string }): RolloutChange {
  if (options.percentage === undefined && options.enabled === undefined) {
    throw new InputError('rollout set needs --percentage N (a whole number from 0 to 100) and/or --enabled true|false');
  }
  const change: RolloutChange = {};
  if (options.enabled !== undefined) change.enabled = parseOption('PROMPTRCA_USE_DIRECT_ORCHESTRATION', '--enabled', options.enabled);
  if (options.percentage !== undefined)
    change.percentage = parseOption('PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE', '--percentage', options.percentage);
  return change;
}

/** An invalid environment stops a rollout command (exit 2) before anything is read or written. */
async function withRolloutQueues<T>(work: (queues: PromptRcaQueues) => Promise<T>): Promise<T> {
  effectiveRollout(process.env, null);
  return withQueues(work);
}

/** What every worker routes with once it has read the stored rollout, claiming nothing Redis does not hold. */
export function describeStoredRouting(stored: StoredRollout, thisShell: EffectiveRollout): string {
  const within = `within ${ROLLOUT_CACHE_MS / 1000} s`;
  const known = storedDirectPercentage(stored);
  if (known !== null) {
    return `every worker routes new investigations with it ${within}: ${known}% to direct_invocation (unless its own PROMPTRCA_FORCE_ORCHESTRATOR is set)`;
  }
  return (
    `every worker routes new investigations with it ${within}, but ${unstoredValues(stored).join(' and ')} is not stored: ` +
    `each worker uses its own environment for it (this shell's would give ${thisShell.direct_percentage}% to direct_invocation)`
  );
}

interface ChangeOutcome {
  change: AuditEntry;
  stored: StoredRollout;
  routing: string;
}

async function change(queues: PromptRcaQueues, rolloutChange: RolloutChange, reason: string | null): Promise<ChangeOutcome> {
  const entry = await applyRolloutChange(queues.redis, queues.prefix, rolloutChange, {
    who: operatorName(process.env),
    reason,
  });
  const stored = await readStoredRollout(queues.redis, queues.prefix);
  const routing = `${describeStoredRouting(stored, effectiveRollout(process.env, stored))}; investigations in flight keep their orchestrator`;
  return { change: entry, stored, routing };
}

function formatChange(outcome: ChangeOutcome): string {
  return `rollout changed: ${formatAuditEntry(outcome.change)}\n${outcome.routing}`;
}

function formatGuardRun(run: GuardRun): string {
  const { evaluation } = run;
  const rolledBackFrom = run.rolled_back?.changes.find((change) => change.field === 'percentage')?.old;
  const head = run.rolled_back
    ? `ROLLED BACK: percentage ${rolledBackFrom ?? '(unset)'} → 0`
    : evaluation.outcome === 'roll_back'
      ? 'roll back due, but the stored rollout routes nothing to direct_invocation already'
      : evaluation.outcome;
  const at =
    run.direct_percentage === null ? "at a share each worker's environment decides (not all stored)" : `at ${run.direct_percentage}%`;
  return [
    `guard ${evaluation.window.from} – ${evaluation.window.to}: ${head} ` +
      `(${evaluation.results.direct_invocation} direct_invocation, ${evaluation.results.agent_tools} agent_tools results; ${at})`,
    ...evaluation.reasons.map((reason) => `  ${reason}`),
    ...(run.skipped > 0 ? [`  ${run.skipped} unreadable results skipped`] : []),
    ...(run.never_investigated > 0 ? [`  ${run.never_investigated} reports of malformed jobs (never investigated) left out`] : []),
  ].join('\n');
}

export function registerRolloutCommand(program: Command): void {
  const rollout = program
    .command('rollout')
    .description('live rollout of direct_invocation across every worker: status, set, rollback, guard (state kept in Redis)');

  rollout
    .command('status')
    .description('the rollout in effect and where each value comes from, the split of recent assignments, in-flight work, the audit')
    .option('--json', 'print the status as JSON')
    .option('--last <n>', 'assignments to count for the split', wholeNumberOption('--last', 1, 10_000), 1000)
    .action((options: { json?: boolean; last: number }) =>
      withRolloutQueues(async (queues) => {
        const status = await rolloutStatus(queues, process.env, options.last);
        print(options.json ? JSON.stringify(status, null, 2) : formatRolloutStatus(status));
      }),
    );

  rollout
    .command('set')
    .description('store the rollout in Redis: every worker follows within a second, no restart')
    .option('--percentage <n>', 'share of new investigations routed to direct_invocation, a whole number 0–100')
    .option('--enabled <bool>', 'true or false: direct orchestration on or off')
    .option('--reason <text>', 'why, for the audit')
    .option('--json', 'print the audited change and the stored rollout as JSON')
    .addHelpText(
      'after',
      '\nA stored value wins over PROMPTRCA_USE_DIRECT_ORCHESTRATION / _DIRECT_ORCHESTRATION_PERCENTAGE;\n' +
        "a value never stored stays each worker's environment. PROMPTRCA_FORCE_ORCHESTRATOR still wins in\n" +
        'the processes that set it. Every change is audited (time, old → new, who: PROMPTRCA_OPERATOR or\n' +
        'user@host, reason). Investigations in flight keep the orchestrator they were assigned.',
    )
    .action((options: { percentage?: string; enabled?: string; reason?: string; json?: boolean }) => {
      const rolloutChange = rolloutChangeFromOptions(options);
      const reason = auditReason(options.reason);
      return withRolloutQueues(async (queues) => {
        const outcome = await change(queues, rolloutChange, reason);
        print(options.json ? JSON.stringify(outcome, null, 2) : formatChange(outcome));
      });
    });

  rollout
    .command('rollback')
    .description('route every new investigation to agent_tools at once (percentage 0); in-flight ones keep theirs; notify announces it')
    .option('--reason <text>', 'why, for the audit')
    .option('--json', 'print the audited change, the stored rollout and the investigations in flight as JSON')
    .action((options: { reason?: string; json?: boolean }) => {
      const reason = auditReason(options.reason);
      return withRolloutQueues(async (queues) => {
        const outcome = await change(queues, { percentage: 0 }, reason);
        const announcementError = await announceRolloutChange(queues.notifications, outcome.change, false);
        if (announcementError) logger.warn(announcementError);
        const flight = await inFlight(queues);
        if (options.json) {
          print(JSON.stringify({ ...outcome, in_flight: flight }, null, 2));
          return;
        }
        print(formatChange(outcome));
        print(
          `in flight, finishing with their stored orchestrator: ${flight.direct_invocation} direct_invocation, ${flight.agent_tools} agent_tools`,
        );
      });
    });

  rollout
    .command('guard')
    .description(`watch ${RESULTS_QUEUE} and roll back (percentage 0) when direct_invocation breaks a failure gate`)
    .option('--window <duration>', 'judge the results that started within this time: 30s, 15m, 1h', '15m')
    .option('--interval <duration>', 'look this often', '30s')
    .option('--once', 'look once and exit (0 after an evaluation, whatever it found; 1 when it could not evaluate)')
    .option('--json', 'print each look as a JSON line')
    .option(
      '--metrics-port <n>',
      `without --once, serve /metrics, /livez and /readyz on this port (env PROMPTRCA_METRICS_PORT, default ${DEFAULT_METRICS_PORT}; 0 = any free port)`,
    )
    .addHelpText(
      'after',
      `
Each look reads the results that started within --window (never before the last rollout change,
so results from before a fix cannot roll the new setting back; reports of malformed jobs, which
never ran an orchestrator, are left out). With fewer than ${PROMOTION_GATES.minReports} direct_invocation results the look is
inconclusive and changes nothing. Otherwise it judges direct_invocation's failure gates: a critical
error, error rate ≥ ${PROMOTION_GATES.maxErrorRate * 100}%, mean confidence below ${PROMOTION_GATES.minConfidence.toFixed(2)}, and, once agent_tools also has ${PROMOTION_GATES.minReports} results,
mean confidence below agent_tools' (with fewer, that comparison is skipped and the look says so).
A broken gate stores percentage 0 with the gate and its figures as the audit reason, unless the
stored rollout already routes nothing to direct_invocation. The guard never promotes. A look that
cannot read Redis or the stored state changes nothing and says so (--once: exit 1; otherwise it
tries again next interval).
${INVESTIGATIONS_QUEUE} is not touched: in-flight investigations keep their orchestrator.
Without --once it serves /metrics (looks by outcome, rollbacks), /livez (200 while the process runs)
and /readyz (503 while Redis does not answer or once it is stopping) on --metrics-port.`,
    )
    .action((options: { window: string; interval: string; once?: boolean; json?: boolean; metricsPort?: string }) => {
      const windowMs = parseDuration('--window', options.window, DURATION_WITH_SECONDS);
      const intervalMs = parseDuration('--interval', options.interval, DURATION_WITH_SECONDS);
      const metricsAddress = metricsAddressFrom(options.metricsPort, process.env);
      return withRolloutQueues(async (queues) => {
        const guard = { queues, windowMs, who: `${operatorName(process.env)} (rollout guard)` };
        const show = (run: GuardRun) => {
          print(options.json ? JSON.stringify(run) : formatGuardRun(run));
          if (run.rolled_back) logger.warn(`rolled back: ${run.rolled_back.reason}`);
          if (run.announcement_error) logger.warn(run.announcement_error);
        };
        if (options.once) return show(await guardOnce(guard));
        const stop = new AbortController();
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
        const metrics = new GuardMetrics();
        const server = await startMetricsServer({
          registry: metrics.registry,
          health: redisReadiness({
            redis: queues.redis,
            stopping: stop.signal,
            takingJobs: () => true,
            writeProbeKey: writeProbeKey(queues.prefix),
          }),
          ...metricsAddress,
        });
        // Operator commands log warnings only; where the probes are is what an operator needs to see.
        process.stderr.write(
          `guarding the rollout on ${describeRedisTarget(queues.target)}; /metrics, /livez and /readyz on ${server.url}\n`,
        );
        const record = (run: GuardRun) => {
          metrics.recordRun(run);
          show(run);
        };
        try {
          await runGuardLoop({ ...guard, intervalMs, log: logger, signal: stop.signal, onFailure: () => metrics.recordFailure() }, record);
        } finally {
          await server.close();
        }
      });
    });
}
