import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../src/report/report.js';
import { REPO_ROOT, runCli } from './support/run-cli.js';

const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.json'));

describe("investigate on every bundled scenario (direct, --llm none, from the scenario's own recording)", () => {
  it.each(examples)('%s yields its expected root-cause type', async (file) => {
    const path = join('examples', file);
    const expected = JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')).expected_root_cause;
    const result = await runCli(['investigate', '--alarm', path, '--orchestrator', 'direct', '--llm', 'none', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(result.stdout));
    expect(report.root_cause?.type).toBe(expected);
    expect(report.orchestrator_type).toBe('direct_invocation');
    expect(report.usage).toEqual({ llm_calls: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(report.summary.root_cause_confidence).toBe(report.root_cause?.confidence);
  });
});
