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

/** Every `new XCommand(` the code sends, with the SDK package its file imports it from. */
function commandsIn(sources: readonly string[]): Array<{ command: string; sdkPackage: string }> {
  return sources.flatMap((source) =>
    [...source.matchAll(/new (\w+)Command\(/g)].map((match) => {
      const command = match[1] ?? '';
      const from = new RegExp(`import \\{[^}]*\\b${command}Command\\b[^}]*\\} from '(@aws-sdk/[\\w-]+)'`).exec(source);
      return { command, sdkPackage: from?.[1] ?? '' };
    }),
  );
}

/** The IAM action of a command, by the client of AWS_SERVICES made from the package it is imported from. */
async function iamAction({ command, sdkPackage }: { command: string; sdkPackage: string }): Promise<string> {
  const sdk: unknown = await import(sdkPackage);
  const service = Object.values(AWS_SERVICES).find((candidate) => candidate.sdk === sdk);
  if (!service) throw new Error(`${command}Command comes from ${sdkPackage}, which no client of AWS_SERVICES is made from`);
  return service.iamAction(command);
}

const actionsOf = (sid: string) => [...(policy.Statement.find((statement) => statement.Sid === sid)?.Action ?? [])].sort();

describe('docs/iam-policy.json', () => {
  it("allows the worker exactly the read-only actions the investigation's code calls", async () => {
    const calls = await Promise.all(commandsIn(sourcesUnder('src/orchestrators')).map(iamAction));
    expect(actionsOf('PromptRcaInvestigate')).toEqual([...new Set(calls)].sort());
    for (const action of actionsOf('PromptRcaInvestigate')) expect(action).toMatch(/:(Get|Describe|List|Filter)\w*$|^apigateway:GET$/);
  });

  it("allows the bridge exactly the SQS actions it calls (a batch call needs its single action's permission)", () => {
    const bridge = commandsIn(sourcesUnder('src/producer')).map(({ command }) => `sqs:${command.replace(/Batch$/, '')}`);
    expect(actionsOf('PromptRcaBridge')).toEqual([...new Set(bridge)].sort());
  });
});
