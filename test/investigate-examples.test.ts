import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Fact, ReportSchema } from '../src/report/report.js';
import { REPO_ROOT, runCli } from './support/run-cli.js';

const normalized = (text: string) => text.replace(/\s+/g, ' ').trim();

/** `timeout ×4: <the log line>`: how hypotheses quote a log line (clipped with "…"). */
const LOG_QUOTE = /^[a-z_]+ ×\d+: /;
const isLogQuote = (evidence: string) => LOG_QUOTE.test(evidence);

/** What an investigation read: the facts, and the log lines of the scenario's recording they were scanned from. */
function readText(
  scenario: { calls: Array<{ command: string; output?: { events?: Array<{ message?: string }> } | null }> },
  facts: Fact[],
) {
  const logLines = scenario.calls
    .filter((call) => call.command === 'FilterLogEvents')
    .flatMap((call) => call.output?.events ?? [])
    .map((event) => normalized(event.message ?? ''));
  const texts = [...facts.map((fact) => normalized(fact.content)), ...logLines];
  const everything = [...texts, ...facts.map((fact) => JSON.stringify(fact.metadata ?? {}))].join('\n');
  return {
    /** The evidence, without its signal label and clipping mark, stands verbatim in a fact or a log line. */
    quotes: (evidence: string) => {
      const quoted = normalized(evidence.replace(LOG_QUOTE, '').replace(/…$/, ''));
      return texts.some((text) => text.includes(quoted));
    },
    /** The evidence restates figures (counts, durations, request IDs), and every one of them was read. */
    statesFiguresOf: (evidence: string) => {
      const figures = (evidence.match(/[\w.-]*\d[\w.-]*/g) ?? []).map((figure) => figure.replace(/[.-]+$/, ''));
      return figures.length > 0 && figures.every((figure) => everything.includes(figure));
    },
  };
}

const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.json'));

describe("investigate on every bundled scenario (direct, --llm none, from the scenario's own recording)", () => {
  it.each(examples)('%s yields its expected root-cause type', async (file) => {
    const path = join('examples', file);
    const scenario = JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8'));
    const expected = scenario.expected_root_cause;
    const result = await runCli(['investigate', '--alarm', path, '--orchestrator', 'direct', '--llm', 'none', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(result.stdout));
    expect(report.root_cause?.type).toBe(expected);
    expect(report.orchestrator_type).toBe('direct_invocation');
    expect(report.usage).toEqual({ llm_calls: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(report.summary.root_cause_confidence).toBe(report.root_cause?.confidence);
    // The function behind the alarm is named, and every resource says how it was found.
    expect(report.resources).toContainEqual(expect.objectContaining({ type: 'lambda', name: scenario.expected_function }));
    for (const resource of report.resources) expect(resource.via).toBeDefined();
    if (scenario.expected_resources) {
      expect(report.resources.map((r) => `${r.type}:${r.name}:${r.via}`)).toEqual(scenario.expected_resources);
    }
    // A non-Lambda alarm names the function behind its resource, and how it was followed there.
    if (!report.resources.some((r) => r.type === 'lambda' && r.via === 'alarm')) {
      const behind = report.resources.find((r) => r.type === 'lambda' && r.name === scenario.expected_function);
      expect(behind?.via).not.toBe('alarm');
    }
    expect(report.facts.length).toBeGreaterThanOrEqual(3);
    // The root cause's own hypothesis quotes what was read: every log line it quotes stands in the
    // logs read, and at least one piece of its evidence is quoted from the facts.
    const chosen = report.hypotheses.find((h) => h.type === report.root_cause?.type && h.description === report.root_cause?.description);
    expect(chosen?.evidence.length).toBeGreaterThan(0);
    const read = readText(scenario, report.facts);
    for (const quote of chosen?.evidence.filter(isLogQuote) ?? []) expect(read.quotes(quote), quote).toBe(true);
    if (expected !== 'unknown') expect(chosen?.evidence.some((e) => read.quotes(e) || read.statesFiguresOf(e))).toBe(true);
  });
});
