import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys, uniquePrefix } from './support/pipeline.js';
import { REPO_ROOT, runCli } from './support/run-cli.js';

const COMMANDS = ['investigate', 'enqueue', 'worker', 'sqs-bridge', 'results', 'compare', 'rollout', 'queue', 'llm-sim'];
const EXAMPLE = join(REPO_ROOT, 'examples/lambda-timeout.json');
const dir = mkdtempSync(join(tmpdir(), 'promptrca-cli-'));
const prefix = uniquePrefix('cli');
const redisEnv = { PROMPTRCA_QUEUE_PREFIX: prefix };

afterAll(() => deleteKeys(prefix));

describe('promptrca conventions', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('lists every command and the exit codes in the top-level help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(result.stdout).toContain('Exit codes: 0 done, 1 failed');
  });

  it.each([...COMMANDS, 'rollout set', 'queue drain'])('states the exit codes in the help of %s', async (command) => {
    const result = await runCli([...command.split(' '), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes: 0 done, 1 failed (the work or a service it needs), 2 bad input or configuration.');
  });

  it('reports errors as one JSON document on stderr under --json, with the same exit code', async () => {
    const bad = await runCli(['investigate', '--alarm', join(dir, 'missing.json'), '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(JSON.parse(bad.stderr)).toEqual({ error: expect.stringMatching(/cannot read alarm file .*missing\.json: ENOENT/) });
    const unknown = await runCli(['enqueue', '--bogus', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stderr)).toEqual({ error: "unknown option '--bogus'" });
  });

  it('refuses an invalid environment variable before the command runs, naming it', async () => {
    const result = await runCli(['investigate', '--alarm', EXAMPLE, '--llm', 'none'], { PROMPTRCA_JOB_ATTEMPTS: '0' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PROMPTRCA_JOB_ATTEMPTS="0" is not valid: allowed a whole number from 1 to 20');
  });
});

describe('alarm input', () => {
  it('reads the alarm from standard input with --alarm -', async () => {
    const result = await runCli(
      ['investigate', '--alarm', '-', '--orchestrator', 'direct', '--llm', 'none', '--json'],
      {},
      20_000,
      readFileSync(EXAMPLE, 'utf8'),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed', root_cause: { type: 'timeout' } });
  });

  it('refuses an empty alarm file (exit 2) rather than doing nothing', async () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '\n');
    for (const command of ['investigate', 'enqueue']) {
      const result = await runCli([command, '--alarm', empty], redisEnv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`alarm file ${empty} is empty`);
    }
    const fromStdin = await runCli(['enqueue', '--alarm', '-'], redisEnv);
    expect(fromStdin.code).toBe(2);
    expect(fromStdin.stderr).toContain('alarm file standard input is empty');
  });
});

describe('--json on commands that change something', () => {
  it('enqueue says what became of each alarm and counts them', async () => {
    const first = await runCli(['enqueue', '--alarm', '-', '--json'], redisEnv, 20_000, readFileSync(EXAMPLE, 'utf8'));
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(['enqueue', '--alarm', EXAMPLE, '--json'], redisEnv);
    const [firstJson, againJson] = [JSON.parse(first.stdout), JSON.parse(again.stdout)];
    expect(firstJson).toEqual({
      results: [{ outcome: 'new', investigation_id: expect.stringMatching(/^inv-/), alarm_name: 'orders-api-errors' }],
      counts: { new: 1, duplicate: 0, skipped: 0 },
    });
    expect(againJson.results[0]).toMatchObject({ outcome: 'duplicate', investigation_id: firstJson.results[0].investigation_id });
  });

  it('queue pause and resume answer with the queue and its state', async () => {
    const paused = await runCli(['queue', 'pause', '--json'], redisEnv);
    expect(JSON.parse(paused.stdout)).toEqual({ queue: 'promptrca-investigations', paused: true });
    const resumed = await runCli(['queue', 'resume', '--json'], redisEnv);
    expect(JSON.parse(resumed.stdout)).toEqual({ queue: 'promptrca-investigations', paused: false });
  });

  it('rollout set and rollback answer with the audited change and what is stored', async () => {
    const set = await runCli(['rollout', 'set', '--enabled', 'true', '--percentage', '25', '--reason', 'canary', '--json'], {
      ...redisEnv,
      PROMPTRCA_OPERATOR: 'alice',
    });
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      change: { who: 'alice', reason: 'canary', changes: expect.arrayContaining([{ field: 'percentage', old: null, new: '25' }]) },
      stored: { enabled: true, percentage: 25 },
    });
    const rollback = await runCli(['rollout', 'rollback', '--json'], redisEnv);
    expect(JSON.parse(rollback.stdout)).toMatchObject({
      change: { changes: [{ field: 'percentage', old: '25', new: '0' }] },
      stored: { enabled: true, percentage: 0 },
      in_flight: { direct_invocation: 0, agent_tools: 0 },
    });
  });
});
