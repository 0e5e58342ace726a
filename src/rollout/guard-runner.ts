import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'winston';
import { errorMessage } from '../platform/errors.js';
import type { PromptRcaQueues } from '../report/queues.js';
import { ReportCollection } from '../report/report-collection.js';
import { announceRolloutChange } from './announce-rollout-change.js';
import { storedDirectPercentage } from './effective-rollout.js';
import { GuardRollbackFailedError, GuardUnableToEvaluateError } from './errors.js';
import { evaluateGuard, type GuardEvaluation } from './guard.js';
import { collectReportsSince } from './recent-results.js';
import { type AuditEntry, readAudit } from './rollout-audit.js';
import { applyRolloutChange, readStoredRollout, type StoredRollout } from './rollout-state.js';

export interface GuardOptions {
  queues: PromptRcaQueues;
  windowMs: number;
  /** Who the audit names for an automatic rollback. */
  who: string;
  /** @defaultValue the clock */
  now?: () => Date;
}

export interface GuardRun {
  evaluation: GuardEvaluation;
  /**
   * The share routed to direct_invocation as stored in Redis when the guard looked; null when it rests
   * on a value never stored, which each worker takes from its own environment.
   */
  direct_percentage: number | null;
  /** Results skipped as unreadable (not reports); they do not count either way. */
  skipped: number;
  /** Reports of jobs that never ran an orchestrator (malformed job data); they do not count either way. */
  never_investigated: number;
  /** The rollback it stored, or null when it changed nothing. */
  rolled_back: AuditEntry | null;
  /** Why the rollback it stored could not be queued for `notify` to announce; null otherwise. */
  announcement_error: string | null;
}

async function readRollout(options: GuardOptions): Promise<{ stored: StoredRollout; lastChange: Date | null }> {
  const { redis, prefix } = options.queues;
  const [stored, audit] = await Promise.all([readStoredRollout(redis, prefix), readAudit(redis, prefix, 1)]);
  const newest = audit[0];
  return { stored, lastChange: newest && 'at' in newest ? new Date(newest.at) : null };
}

/**
 * One look: read the live rollout and the window's results, evaluate, and roll back (percentage 0,
 * the figures in the audit) when direct_invocation broke a failure gate. The window never reaches
 * back past the last rollout change, so results from before a fix cannot roll the new setting back.
 * Anything it cannot read throws GuardUnableToEvaluateError before anything is changed.
 */
export async function guardOnce(options: GuardOptions): Promise<GuardRun> {
  const to = (options.now ?? (() => new Date()))();
  let stored: StoredRollout;
  let from: Date;
  const collection = new ReportCollection({ since: null });
  try {
    const read = await readRollout(options);
    stored = read.stored;
    from = new Date(Math.max(to.getTime() - options.windowMs, read.lastChange?.getTime() ?? 0));
    await collectReportsSince(options.queues.results, from, collection);
  } catch (error) {
    throw new GuardUnableToEvaluateError(`unable to evaluate, the rollout is left unchanged: ${errorMessage(error)}`, { cause: error });
  }
  const collected = collection.result();
  const evaluation = evaluateGuard(collected.reports, { from, to });
  const direct_percentage = storedDirectPercentage(stored);
  const run: GuardRun = {
    evaluation,
    direct_percentage,
    skipped: collected.skipped.length,
    never_investigated: collected.never_investigated,
    rolled_back: null,
    announcement_error: null,
  };
  // Only a stored 0 is known to route nothing to direct_invocation on every worker.
  if (evaluation.outcome !== 'roll_back' || direct_percentage === 0) return run;
  const reason =
    `guard: ${evaluation.reasons.join('; ')} ` +
    `(${evaluation.results.direct_invocation} direct_invocation and ${evaluation.results.agent_tools} agent_tools results started ${evaluation.window.from} – ${evaluation.window.to})`;
  try {
    const entry = await applyRolloutChange(
      options.queues.redis,
      options.queues.prefix,
      { percentage: 0 },
      { who: options.who, reason, at: to },
    );
    return { ...run, rolled_back: entry, announcement_error: await announceRolloutChange(options.queues.notifications, entry, true) };
  } catch (error) {
    throw new GuardRollbackFailedError(
      `direct_invocation broke a failure gate but the rollback could not be stored: ${errorMessage(error)} (${reason})`,
      {
        cause: error,
      },
    );
  }
}

export interface GuardLoopOptions extends GuardOptions {
  intervalMs: number;
  log: Logger;
  signal: AbortSignal;
  /** Told of each look that failed, after it is logged. @defaultValue none */
  onFailure?: () => void;
}

/**
 * Looks every interval until the signal. A look that fails (data unreadable, or a due rollback that
 * could not be stored) is logged as an error and the next one tries again: a blip of Redis must not
 * leave the rollout unguarded.
 */
export async function runGuardLoop(options: GuardLoopOptions, report: (run: GuardRun) => void): Promise<void> {
  while (!options.signal.aborted) {
    try {
      report(await guardOnce(options));
    } catch (error) {
      options.log.error(errorMessage(error));
      options.onFailure?.();
    }
    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => {});
  }
}
