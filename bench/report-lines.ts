import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { manualAlarm } from '../src/producer/manual-alarm.js';
import { ORCHESTRATOR_TYPES, type Report, summarize } from '../src/report/report.js';

const ALARM = manualAlarm('checkout-api', 'eu-west-1', new Date('2024-03-12T10:20:00Z'));

/**
 * Report number `index` of a generated set: the two orchestrators in turn, durations, tokens and
 * confidences spread deterministically, two in fifty failed (transient), one of each orchestrator, so that every statistic
 * and chart of `compare` has something to do.
 */
function generatedReport(index: number): Report {
  const orchestrator_type = ORCHESTRATOR_TYPES[index % 2] ?? 'direct_invocation';
  const direct = orchestrator_type === 'direct_invocation';
  const failed = index % 50 < 2;
  const confidence = Number((0.6 + ((index * 7) % 40) / 100).toFixed(2));
  const tokens = direct ? 1_500 + (index % 500) : 6_000 + (index % 2_000);
  const body = {
    investigation_id: `gen-${Math.floor(index / 2)}`,
    orchestrator_type,
    status: failed ? ('failed' as const) : ('completed' as const),
    error: failed ? 'ThrottlingException: Rate exceeded' : null,
    error_kind: failed ? ('transient' as const) : null,
    started_at: new Date(Date.UTC(2024, 2, 12) + index * 1_000).toISOString(),
    duration_seconds: (direct ? 2 : 10) * (0.5 + ((index * 13) % 100) / 50),
    alarm: ALARM,
    resources: [{ type: 'lambda', name: 'checkout-api' }],
    facts: [
      { source: 'lambda_config', content: 'timeout 3 s, memory 512 MB', confidence: 0.9 },
      { source: 'lambda_logs', content: 'Task timed out after 3.00 seconds', confidence: 0.9 },
    ],
    hypotheses: failed
      ? []
      : [
          {
            type: 'timeout' as const,
            description: 'the function ran out of time',
            confidence,
            evidence: ['Task timed out after 3.00 seconds'],
          },
        ],
    root_cause: failed ? null : { type: 'timeout' as const, description: 'the function ran out of time', confidence },
    advice: failed ? [] : ['raise the timeout or make the slow call faster'],
    usage: {
      llm_calls: direct ? 4 : 14,
      prompt_tokens: Math.round(tokens * 0.8),
      completion_tokens: tokens - Math.round(tokens * 0.8),
      total_tokens: tokens,
    },
  };
  return { ...body, summary: summarize(body) };
}

/** Writes `count` reports as JSON lines (what `results --json` prints) to `path`, honouring back-pressure. */
export async function writeReportLines(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  for (let index = 0; index < count; index++) {
    if (!out.write(`${JSON.stringify(generatedReport(index))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
