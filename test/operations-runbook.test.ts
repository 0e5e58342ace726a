import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

/** The operations guide, whose commands an operator pastes during an incident. */
const GUIDE = 'docs/OPERATIONS.md';

/** Code in the guide: fenced blocks, with `\` continuations joined, and inline spans. */
function codeOf(markdown: string): string[] {
  const fenced = [...markdown.matchAll(/^```\w*\n([\s\S]*?)^```/gm)].flatMap(([, block]) =>
    (block ?? '').replace(/\\\n\s*/g, '').split('\n'),
  );
  const prose = markdown.replace(/^```\w*\n[\s\S]*?^```/gm, '');
  const inline = [...prose.matchAll(/`([^`\n]+)`/g)].map(([, span]) => span ?? '');
  return [...fenced, ...inline];
}

/** Words of a command line as a shell splits them, up to a comment, a redirection or a pipe. */
function words(text: string): string[] {
  const found: string[] = [];
  for (const [, quoted, bare] of text.matchAll(/"([^"]*)"|([^\s"]+)/g)) {
    if (bare !== undefined && /^(#|>|\||;|&&)/.test(bare)) break;
    found.push(quoted ?? bare ?? '');
  }
  return found;
}

/**
 * Each `promptrca` invocation in a line: the CLI by name, the cli.js that systemd-run starts, or the
 * compose `cli` service; names such as `promptrca-guard` are not.
 */
function invocations(line: string): string[][] {
  // Not the value of a short option: `kubectl -n promptrca`, `docker build -t promptrca`.
  const starts = /(?:^|(?<!-\w) )promptrca (?!\(\))|\/cli\.js |run --rm cli /g;
  return [...line.matchAll(starts)]
    .map((match) => words(line.slice((match.index ?? 0) + match[0].length)))
    .filter((args) => args[0] !== '$@');
}

interface Use {
  command: string[];
  options: string[];
  example: string;
}

function usesIn(markdown: string): Use[] {
  return codeOf(markdown).flatMap((line) =>
    invocations(line).map((args) => {
      const end = args.findIndex((word) => !/^[a-z][\w-]*$/.test(word));
      const path = end < 0 ? args : args.slice(0, end);
      return {
        command: path,
        options: args.filter((word) => word.startsWith('--')).map((word) => word.split('=')[0] ?? ''),
        example: line,
      };
    }),
  );
}

describe(`the commands of ${GUIDE}`, () => {
  const uses = usesIn(readFileSync(GUIDE, 'utf8'));

  it('are found: the rollout runbook and the fleet commands of each platform', () => {
    const commands = new Set(uses.map((use) => use.command.join(' ')));
    for (const expected of ['rollout set', 'rollout rollback', 'rollout status', 'queue status', 'queue drain', 'queue resume', 'compare'])
      expect(commands, expected).toContain(expected);
    expect(uses.filter((use) => use.example.includes('kubectl') && use.command[0] === 'rollout').length).toBeGreaterThanOrEqual(2);
    expect(uses.filter((use) => use.example.includes('systemd-run')).length).toBeGreaterThanOrEqual(1);
    expect(uses.filter((use) => use.example.includes('docker compose run')).length).toBeGreaterThanOrEqual(4);
  });

  it('each name a command of the CLI and only options that command has', async () => {
    const byCommand = new Map<string, Use[]>();
    for (const use of uses) byCommand.set(use.command.join(' '), [...(byCommand.get(use.command.join(' ')) ?? []), use]);
    for (const [command, all] of byCommand) {
      const help = await runCli([...command.split(' ').filter(Boolean), '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout.split('\n')[0], `${command}: ${all[0]?.example}`).toMatch(
        new RegExp(`^Usage: promptrca ${command} \\[options\\]`),
      );
      for (const use of all) for (const option of use.options) expect(help.stdout, `${option} in ${use.example}`).toContain(`${option} `);
    }
  }, 60_000);
});
