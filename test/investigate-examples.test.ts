import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../src/report/report.js';
import { REPO_ROOT, runCli } from './support/run-cli.js';

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
    expect(report.facts.length).toBeGreaterThanOrEqual(3);
    const chosen = report.hypotheses.find((h) => h.type === expected);
    expect(chosen?.evidence.length).toBeGreaterThan(0);
  });
});
