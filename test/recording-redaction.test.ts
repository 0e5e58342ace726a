import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../src/report/report.js';
import { REPO_ROOT, runCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'promptrca-redaction-'));
const DIRECT = ['--orchestrator', 'direct', '--llm', 'none', '--json'];

const SECRETS = {
  DB_PASSWORD: 'hunter2-Correct-Horse-Battery',
  API_KEY: 'sk-proj-4f8Qz7XvK2mN9pL3rT6wY1bC',
  DATABASE_URL: 'postgres://app:PgS3cretPassw0rd@db.internal:5432/orders',
};
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const BEARER = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.abc123XYZ';
const LOGGED = [
  `retrying with key ${ACCESS_KEY_ID} secret ${AWS_SECRET}`,
  `Authorization: Bearer ${BEARER}`,
  'connect password=Tr0ub4dor&3x',
];

/** lambda-timeout, whose function holds secret settings and whose logs leak keys. */
function scenarioWithSecrets(): string {
  const scenario = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/lambda-timeout.json'), 'utf8'));
  for (const call of scenario.calls) {
    if (call.command === 'GetFunctionConfiguration') call.output.Environment = { Variables: { ...SECRETS, EMPTY_SETTING: '' } };
    if (call.command === 'FilterLogEvents') {
      const first = call.output.events[0];
      call.output.events.push(...LOGGED.map((message) => ({ ...first, message: `2024-03-12T10:19:30.000Z\tWARN\t${message}\n` })));
    }
  }
  const path = join(dir, 'secrets.json');
  writeFileSync(path, JSON.stringify(scenario));
  return path;
}

describe('investigate --record', () => {
  it('redacts environment values, URL passwords and key-like text by default, and the recording still replays', async () => {
    const scenario = scenarioWithSecrets();
    const recordPath = join(dir, 'recorded.json');
    const run = await runCli(['investigate', '--alarm', scenario, '--record', recordPath, ...DIRECT]);
    expect(run.code).toBe(0);
    const recorded = readFileSync(recordPath, 'utf8');
    for (const secret of [...Object.values(SECRETS), 'PgS3cretPassw0rd', AWS_SECRET, ACCESS_KEY_ID, BEARER, 'Tr0ub4dor']) {
      expect(recorded).not.toContain(secret);
    }
    const config = JSON.parse(recorded).calls.find((call: { command: string }) => call.command === 'GetFunctionConfiguration');
    expect(config.output.Environment.Variables).toEqual({
      DB_PASSWORD: '[REDACTED]',
      API_KEY: '[REDACTED]',
      DATABASE_URL: '[REDACTED]',
      EMPTY_SETTING: '',
    });
    expect(recorded).toContain('Task timed out after 3.00 seconds');
    expect(recorded).toContain('Authorization: Bearer [REDACTED]');
    expect(recorded).toContain('password=[REDACTED]');

    const replayed = await runCli(['investigate', '--alarm', scenario, '--replay', recordPath, ...DIRECT]);
    expect(ReportSchema.parse(JSON.parse(replayed.stdout)).root_cause).toEqual(ReportSchema.parse(JSON.parse(run.stdout)).root_cause);
  });

  it('writes the answers as read with --record-unredacted, an explicit choice that help names', async () => {
    const recordPath = join(dir, 'unredacted.json');
    const run = await runCli(['investigate', '--alarm', scenarioWithSecrets(), '--record', recordPath, '--record-unredacted', ...DIRECT]);
    expect(run.code).toBe(0);
    expect(readFileSync(recordPath, 'utf8')).toContain(SECRETS.DB_PASSWORD);
    const help = await runCli(['investigate', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(
      /--record-unredacted with --record: write the answers exactly as AWS gave them, secrets included/,
    );
    const alone = await runCli(['investigate', '--alarm', scenarioWithSecrets(), '--record-unredacted', ...DIRECT]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--record-unredacted needs --record FILE');
  });
});
