import type { Report } from './report.js';

const MAX_EVIDENCE = 5;

/** The readable summary `investigate` prints by default: what an on-call engineer reads first. */
export function formatReport(report: Report): string {
  const lines: string[] = [];
  const usage = report.usage;
  lines.push(
    `Investigation ${report.investigation_id} (${report.orchestrator_type}, ${report.duration_seconds.toFixed(2)} s, ` +
      `${usage.llm_calls} LLM calls, ${usage.total_tokens} tokens): ${report.status}`,
  );
  if (report.alarm) lines.push(`Alarm: ${report.alarm.name} (${report.alarm.state}) ${report.alarm.reason}`);
  if (report.error) lines.push(`Error: ${report.error}`);
  lines.push(
    `Resources: ${report.resources.map((r) => `${r.type}:${r.name}${r.qualifier ? `:${r.qualifier}` : ''}${r.via && r.via !== 'alarm' ? ` (via ${r.via})` : ''}`).join(', ') || 'none found'}`,
  );
  const rootCause = report.root_cause;
  if (rootCause) {
    lines.push('', `Root cause: ${rootCause.type} (confidence ${rootCause.confidence.toFixed(2)})`, `  ${rootCause.description}`);
    const top = report.hypotheses.find((h) => h.type === rootCause.type);
    if (top && top.evidence.length > 0) {
      lines.push('Evidence:', ...top.evidence.slice(0, MAX_EVIDENCE).map((e) => `  - ${e}`));
    }
  } else {
    lines.push('', 'Root cause: not determined');
  }
  const others = report.hypotheses.filter((h) => h.type !== rootCause?.type).slice(0, 3);
  if (others.length > 0) {
    lines.push('Other hypotheses:', ...others.map((h) => `  - ${h.type} (${h.confidence.toFixed(2)}): ${h.description}`));
  }
  if (report.advice.length > 0) lines.push('Advice:', ...report.advice.map((a) => `  - ${a}`));
  if (report.warnings && report.warnings.length > 0) {
    lines.push('Warnings:', ...report.warnings.map((w) => `  - ${w}`));
  }
  return lines.join('\n');
}
