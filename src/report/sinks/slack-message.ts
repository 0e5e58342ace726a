import type { Report } from '../report.js';
import type { RolloutChangeNotice } from '../rollout-change-notice.js';
import { alarmName, headlineVerdict, type IncidentStanding, incidentLine, type Notice, noticeText } from './notice.js';
import { bounded, escapeMrkdwn, SLACK_LIMITS } from './slack-text.js';

/** The Block Kit blocks this sink sends: a header, mrkdwn sections, a context line. */
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> };

export interface SlackMessage {
  /** The notification's preview, and what clients without Block Kit show. */
  text: string;
  blocks: SlackBlock[];
}

/** Enough to recognise the failure at a glance; the whole report is one look-up away. */
const MAX_EVIDENCE_LINES = 5;
const MAX_EVIDENCE_LINE = 300;
const MAX_ADVICE = 5;
/** The fallback `text` is shown in notifications: one short line. */
const MAX_TEXT = 500;

const header = (text: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: bounded(text, SLACK_LIMITS.headerText) },
});
const section = (mrkdwn: string): SlackBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: bounded(mrkdwn, SLACK_LIMITS.sectionText) },
});
const context = (mrkdwn: string): SlackBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: bounded(mrkdwn, SLACK_LIMITS.sectionText) }],
});

/**
 * The header's text within Slack's limit: a long alarm name is shortened, never the root cause and
 * its confidence, which are what the reader came for.
 */
function reportHeader(report: Report): SlackBlock {
  const verdict = headlineVerdict(report);
  return header(`${bounded(alarmName(report), Math.max(SLACK_LIMITS.headerText - verdict.length, 1))}${verdict}`);
}

/** One quoted line per evidence line (a multi-line log excerpt is cut to its first line), each bounded. */
function quoted(evidence: readonly string[]): string {
  return (
    evidence
      .slice(0, MAX_EVIDENCE_LINES)
      // Escaped before bounding, so that five lines of `&` still fit in one section.
      .map((line) => `> ${bounded(escapeMrkdwn(line.split('\n')[0]?.trim() ?? ''), MAX_EVIDENCE_LINE)}`)
      .join('\n')
  );
}

/** The evidence of the hypothesis that became the root cause. */
function topEvidence(report: Report): string[] {
  const cause = report.root_cause;
  return cause ? (report.hypotheses.find((hypothesis) => hypothesis.type === cause.type)?.evidence ?? []) : [];
}

function findings(report: Report): SlackBlock[] {
  if (report.status === 'failed') {
    const kind = report.error_kind ? ` (${report.error_kind})` : '';
    return [section(`*The investigation failed${kind}:* ${escapeMrkdwn(report.error ?? 'no error given')}`)];
  }
  const cause = report.root_cause;
  if (!cause) return [section('*Root cause not determined.* The facts gathered are in the report.')];
  const blocks = [
    section(`*Root cause:* \`${cause.type}\`, confidence *${cause.confidence.toFixed(2)}*\n${escapeMrkdwn(cause.description)}`),
  ];
  const evidence = topEvidence(report);
  if (evidence.length > 0) blocks.push(section(`*Evidence*\n${quoted(evidence)}`));
  return blocks;
}

function reportBlocks(report: Report, standing?: IncidentStanding): SlackBlock[] {
  const blocks = [reportHeader(report), ...findings(report)];
  if (report.alarm)
    blocks.push(section(`*Alarm:* ${escapeMrkdwn(report.alarm.name)} (${report.alarm.state}) ${escapeMrkdwn(report.alarm.reason)}`));
  const incident = incidentLine(report, standing);
  if (incident) blocks.push(section(`*Incident:* ${escapeMrkdwn(incident)}`));
  if (report.advice.length > 0) {
    blocks.push(
      section(
        `*Advice*\n${report.advice
          .slice(0, MAX_ADVICE)
          .map((advice) => `• ${escapeMrkdwn(advice)}`)
          .join('\n')}`,
      ),
    );
  }
  const where = [report.alarm?.region, report.alarm?.account].filter((part) => part).join(' · ');
  blocks.push(
    context(
      `Investigation \`${escapeMrkdwn(report.investigation_id)}\` · ${report.orchestrator_type} · ${report.duration_seconds.toFixed(1)} s` +
        (where ? ` · ${escapeMrkdwn(where)}` : ''),
    ),
  );
  return blocks;
}

function rolloutChangeBlocks(change: RolloutChangeNotice): SlackBlock[] {
  const changes = change.changes.map(
    (entry) => `• ${escapeMrkdwn(entry.field)}: ${escapeMrkdwn(entry.old ?? '(unset)')} → ${escapeMrkdwn(entry.new)}`,
  );
  return [
    header(change.automatic ? 'PromptRCA rollout rolled back by the guard' : 'PromptRCA rollout changed'),
    section(`${changes.join('\n') || 'no field changed'}${change.reason ? `\n*Reason:* ${escapeMrkdwn(change.reason)}` : ''}`),
    context(`${escapeMrkdwn(change.who)} · ${escapeMrkdwn(change.at)}`),
  ];
}

/**
 * The Slack incoming-webhook body: what an on-call engineer needs at 3 a.m. in one message. Alarm,
 * root cause and confidence in the header; the description, the top evidence quoted and the advice
 * below; the investigation ID, orchestrator and duration to look it up. A failed investigation says
 * why. Every untrusted text is escaped and bounded within Slack's limits.
 */
export function slackMessage(notice: Notice): SlackMessage {
  const blocks = notice.kind === 'report' ? reportBlocks(notice.report, notice.standing) : rolloutChangeBlocks(notice.change);
  return { text: bounded(escapeMrkdwn(noticeText(notice)), MAX_TEXT), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}
