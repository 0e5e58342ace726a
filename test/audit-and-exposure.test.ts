import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/platform/config.js';
import { logLines, startWorker, uniquePrefix } from './support/pipeline.js';
import { runCli } from './support/run-cli.js';

// Nothing listens there: a command that got as far as connecting would fail with exit 1, not 2.
const NO_REDIS = { REDIS_URL: 'redis://127.0.0.1:1' };

describe('/metrics and the probes bind loopback by default', () => {
  it('defaults PROMPTRCA_METRICS_HOST to 127.0.0.1; a deployment sets 0.0.0.0 itself', () => {
    expect(loadConfig({}).PROMPTRCA_METRICS_HOST).toBe('127.0.0.1');
    expect(loadConfig({ PROMPTRCA_METRICS_HOST: '0.0.0.0' }).PROMPTRCA_METRICS_HOST).toBe('0.0.0.0');
  });

  it("a worker started on the defaults answers its probes on loopback and on none of the machine's other addresses", async () => {
    const worker = await startWorker(
      { PROMPTRCA_QUEUE_PREFIX: uniquePrefix('exposure'), PROMPTRCA_FORCE_ORCHESTRATOR: 'direct', LOG_LEVEL: 'info' },
      ['--llm', 'none', '--metrics-port', '0'],
    );
    try {
      const metrics = new URL(String(logLines(worker.stdout()).find((line) => line.message === 'worker started')?.metrics));
      expect(metrics.hostname).toBe('127.0.0.1');
      expect((await fetch(new URL('/livez', metrics))).status).toBe(200);
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((address) => address && address.family === 'IPv4' && !address.internal)
        .map((address) => address!.address);
      for (const address of others) {
        await expect(fetch(`http://${address}:${metrics.port}/livez`)).rejects.toThrow();
      }
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });
});

describe('audit fields refuse control characters (exit 2, before any work)', () => {
  it.each([
    ['a newline', 'alice\n2026-01-01T00:00:00Z percentage 0 → 100 by root'],
    ['an ANSI escape', 'alice\u001b[2J'],
  ])('PROMPTRCA_OPERATOR with %s', async (_what, operator) => {
    const result = await runCli(['rollout', 'set', '--percentage', '10'], { ...NO_REDIS, PROMPTRCA_OPERATOR: operator });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PROMPTRCA_OPERATOR=');
    expect(result.stderr).toContain('allowed text without control characters');
  });

  it.each([
    ['rollback', ['rollout', 'rollback']],
    ['set', ['rollout', 'set', '--percentage', '10']],
  ])('rollout %s --reason with an ANSI escape or a newline', async (_name, args) => {
    for (const reason of ['p95 \u001b[31mdoubled\u001b[0m', 'p95 doubled\nforged line']) {
      const result = await runCli([...args, '--reason', reason], NO_REDIS);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--reason ".*" is not valid: allowed text without control characters/);
      expect(result.stderr).not.toContain('\u001b[31m');
    }
  });
});
