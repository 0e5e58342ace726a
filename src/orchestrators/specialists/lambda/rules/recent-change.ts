import type { Hypothesis, RootCause, RootCauseType } from '../../../../report/report.js';
import type { LambdaAlias, LambdaConfig, LambdaEvidence, RecentChange } from '../evidence.js';

/**
 * How long before the alarm a change of the serving version counts as recent. A bad deploy
 * usually fails on its first traffic, but a code path taken only by a nightly job or by the
 * morning's first customers can wait most of a day; a change older than a day has been exercised
 * long enough that blaming it would be a guess.
 */
export const RECENT_CHANGE_WINDOW_MS = 24 * 60 * 60_000;

/** Causes a deploy can introduce; a throttle, a slow dependency or a full table are not made by one. */
const CAUSED_BY_CHANGES: readonly RootCauseType[] = ['code_error', 'configuration_error', 'init_error'];

/** What a recent change adds to a cause the logs already show: corroboration, not proof. */
const RECENT_CHANGE_WEIGHT = 0.05;
const MAX_CONFIDENCE = 0.95;

/** `2024-04-02T07:21:40.118+0000`, as Lambda writes LastModified; Date.parse wants the offset with a colon. */
function parseLastModified(text: string): number {
  return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/**
 * The change of the serving version's code or configuration within RECENT_CHANGE_WINDOW_MS before
 * the alarm, from the configuration's LastModified; null when there is none or it cannot be told.
 */
export function recentChangeOf(config: LambdaConfig | null, alias: LambdaAlias | null, alarmTime: number | undefined): RecentChange | null {
  if (!config?.lastModified || alarmTime === undefined) return null;
  const changedAt = parseLastModified(config.lastModified);
  const before = alarmTime - changedAt;
  if (Number.isNaN(changedAt) || before < 0 || before > RECENT_CHANGE_WINDOW_MS) return null;
  return {
    version: config.version ?? '$LATEST',
    alias: alias?.name ?? null,
    lastModified: config.lastModified,
    minutesBeforeAlarm: Math.round(before / 60_000),
    codeSha256: config.codeSha256,
  };
}

/** "version 7 (alias live) changed 14 min before the alarm". */
export function describeChange(change: RecentChange): string {
  const alias = change.alias ? ` (alias ${change.alias})` : '';
  return `version ${change.version}${alias} changed ${change.minutesBeforeAlarm} min before the alarm (LastModified ${change.lastModified})`;
}

function causedByChange(type: RootCauseType): boolean {
  return CAUSED_BY_CHANGES.includes(type);
}

/**
 * A failure the logs show, of a kind a deploy makes, is more likely when the serving version
 * changed just before it: its confidence rises and its description says so. A change with no
 * failure to explain makes no hypothesis of its own.
 */
export function weighRecentChange(hypotheses: readonly Hypothesis[], evidence: LambdaEvidence): Hypothesis[] {
  const change = evidence.recentChange;
  if (!change) return [...hypotheses];
  return hypotheses.map((hypothesis) =>
    causedByChange(hypothesis.type)
      ? {
          ...hypothesis,
          description: `${hypothesis.description}, since ${describeChange(change)}`,
          confidence: Math.min(MAX_CONFIDENCE, Math.round((hypothesis.confidence + RECENT_CHANGE_WEIGHT) * 100) / 100),
          evidence: [...hypothesis.evidence, `${evidence.functionName} ${describeChange(change)}`],
        }
      : hypothesis,
  );
}

/** Roll back first, fix after: the version an alias served before is the quickest way out. */
export function recentChangeAdvice(rootCause: RootCause, evidence: LambdaEvidence | null): string[] {
  const change = evidence?.recentChange;
  if (!change || !evidence || !causedByChange(rootCause.type)) return [];
  const fn = evidence.functionName;
  const previous = Number(change.version) - 1;
  if (change.alias && previous >= 1) {
    return [
      `Roll back: version ${change.version}, which alias ${change.alias} serves, changed ${change.minutesBeforeAlarm} min before the alarm; ` +
        `point the alias back to the last good version (e.g. aws lambda update-alias --function-name ${fn} --name ${change.alias} ` +
        `--function-version ${previous}), then fix and publish again.`,
    ];
  }
  return [
    `Roll back: ${fn} (${change.version}) changed ${change.minutesBeforeAlarm} min before the alarm; redeploy the previous code or configuration while fixing.`,
  ];
}
