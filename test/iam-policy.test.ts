import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_SERVICES } from '../src/orchestrators/aws/clients.js';
import { REPO_ROOT } from './support/run-cli.js';

const policy = JSON.parse(readFileSync(join(REPO_ROOT, 'docs/iam-policy.json'), 'utf8')) as {
  Statement: Array<{ Sid: string; Action: string[] }>;
};

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(REPO_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(REPO_ROOT, folder, file), 'utf8'));
}

/**
 * Every `new XCommand(` the code sends, with the SDK package its file imports it from:
 * `import { XCommand } from '…'`, or `const { XCommand } = await import('…')` where it is loaded on first use.
 */
function commandsIn(sources: readonly string[]): Array<{ command: string; sdkPackage: string }> {
  return sources.flatMap((source) =>
    [...source.matchAll(/new (\w+)Command\(/g)].map((match) => {
      const command = match[1] ?? '';
      const from = new RegExp(`\\{[^}]*\\b${command}Command\\b[^}]*\\}\\s*(?:from|=\\s*await import\\()\\s*'(@aws-sdk/[\\w-]+)'`).exec(
        source,
      );
      return { command, sdkPackage: from?.[1] ?? '' };
    }),
  );
}

/** The IAM action of a command, by the client of AWS_SERVICES made from the package it is imported from. */
function iamAction({ command, sdkPackage }: { command: string; sdkPackage: string }): string {
  const service = Object.values(AWS_SERVICES).find((candidate) => candidate.packageName === sdkPackage);
  if (!service) throw new Error(`${command}Command comes from ${sdkPackage || 'no package'}, which no client of AWS_SERVICES is made from`);
  return service.iamAction(command);
}

const actionsOf = (sid: string) => [...(policy.Statement.find((statement) => statement.Sid === sid)?.Action ?? [])].sort();

describe('docs/iam-policy.json', () => {
  it("allows the worker exactly the read-only actions the investigation's code calls", () => {
    const calls = commandsIn(sourcesUnder('src/orchestrators')).map(iamAction);
    expect(actionsOf('PromptRcaInvestigate')).toEqual([...new Set(calls)].sort());
    for (const action of actionsOf('PromptRcaInvestigate')) expect(action).toMatch(/:(Get|Describe|List|Filter)\w*$|^apigateway:GET$/);
  });

  it("allows the bridge exactly the SQS actions it calls (a batch call needs its single action's permission)", () => {
    const bridge = commandsIn(sourcesUnder('src/producer')).map(({ command }) => `sqs:${command.replace(/Batch$/, '')}`);
    expect(actionsOf('PromptRcaBridge')).toEqual([...new Set(bridge)].sort());
  });
});
