import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentinelOptions } from '../src/platform/redis-connection.js';
import { logLines, runCli, SCENARIO, spawnCli, startWorker, waitFor } from './support/pipeline.js';
import { RedisTopology } from './support/redis-topologies.js';

const EXPECTED = (JSON.parse(readFileSync(SCENARIO, 'utf8')) as { expected_root_cause: string }).expected_root_cause;

/**
 * The product's whole path against one Redis: a worker and `results --follow` running, an alarm
 * enqueued and its report followed, the rollout set and rolled back, the queue's status. Every line
 * any of these processes wrote goes to `output`, to look for the password in; the queue prefix is returned.
 */
async function runThePipeline(env: NodeJS.ProcessEnv, output: string[]): Promise<string> {
  const cli = async (args: string[]) => {
    const run = await runCli(args, env);
    output.push(run.stdout, run.stderr);
    expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
    return run.stdout;
  };
  const worker = await startWorker({ ...env, PROMPTRCA_FORCE_ORCHESTRATOR: 'direct' }, ['--llm', 'none']);
  const follower = spawnCli(['results', '--follow', '--json', '--last', '0'], env);
  try {
    await waitFor(
      () => follower.stderr().includes('following'),
      20_000,
      () => `results --follow to start: ${follower.stderr()}`,
      follower.exited,
    );
    const enqueued = JSON.parse(await cli(['enqueue', '--alarm', SCENARIO, '--json'])) as { investigations?: unknown };
    expect(JSON.stringify(enqueued)).toContain('"new"');
    await waitFor(
      () => follower.stdout().includes('\n'),
      30_000,
      () => 'the report to be followed',
    );
    const report = JSON.parse(follower.stdout().split('\n')[0] ?? '') as { orchestrator_type: string; root_cause: { type: string } };
    expect(report.orchestrator_type).toBe('direct_invocation');
    expect(report.root_cause.type).toBe(EXPECTED);

    const set = JSON.parse(await cli(['rollout', 'set', '--enabled', 'true', '--percentage', '10', '--json'])) as {
      stored: { percentage: number };
    };
    expect(set.stored.percentage).toBe(10);
    const status = JSON.parse(await cli(['rollout', 'status', '--json'])) as {
      effective: { percentage: { value: number; source: string } };
      last_assignments: { assignments: number };
    };
    expect(status.effective.percentage).toEqual({ value: 10, source: 'redis' });
    expect(status.last_assignments.assignments).toBe(1);
    const rolledBack = JSON.parse(await cli(['rollout', 'rollback', '--reason', 'test', '--json'])) as { stored: { percentage: number } };
    expect(rolledBack.stored.percentage).toBe(0);

    const queue = JSON.parse(await cli(['queue', 'status', '--json'])) as {
      redis: string;
      prefix: string;
      counts: { completed: number };
      workers: number;
      reports: number;
    };
    expect(queue).toMatchObject({ counts: { completed: 1 }, reports: 1 });
    expect(queue.workers).toBeGreaterThanOrEqual(1);
    expect(queue.redis).toContain(':***@');
    const results = (await cli(['results', '--json'])).trim().split('\n');
    expect(results).toHaveLength(1);
    return queue.prefix;
  } finally {
    follower.child.kill('SIGINT');
    worker.child.kill('SIGTERM');
    const [followerCode, workerCode] = await Promise.all([follower.exited, worker.exited]);
    output.push(follower.stdout(), follower.stderr(), worker.stdout(), worker.stderr());
    expect([followerCode, workerCode]).toEqual([0, 0]);
    const started = logLines(worker.stdout()).find((line) => line.message === 'worker started');
    expect(String(started?.redis)).toContain(':***@');
  }
}

describe('Redis Cluster over TLS with a password (the shape of ElastiCache Serverless)', () => {
  const topology = new RedisTopology({ tls: true });
  let seeds: string;
  beforeAll(async () => {
    seeds = await topology.startCluster();
  }, 60_000);
  afterAll(() => topology.remove());

  it('runs the pipeline under the {promptrca} prefix, and the password appears in no output', async () => {
    const env = { ...topology.clientEnv, REDIS_URL: seeds, PROMPTRCA_REDIS_MODE: 'cluster', PROMPTRCA_QUEUE_PREFIX: '' };
    const output: string[] = [];
    expect(await runThePipeline(env, output)).toBe('{promptrca}');
    expect(output.join('\n')).not.toContain(topology.password);
  }, 120_000);

  it('refuses a prefix without a hash tag (exit 2) and a single-server mode given a seed list', async () => {
    const env = { ...topology.clientEnv, REDIS_URL: seeds, PROMPTRCA_REDIS_MODE: 'cluster', PROMPTRCA_QUEUE_PREFIX: 'bull' };
    const refused = await runCli(['queue', 'status'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('PROMPTRCA_QUEUE_PREFIX="bull" is not valid: allowed a prefix with a {hash tag}');
    const standalone = await runCli(['queue', 'status'], { ...env, PROMPTRCA_REDIS_MODE: 'standalone', PROMPTRCA_QUEUE_PREFIX: '' });
    expect(standalone.code).toBe(2);
    expect(standalone.stderr).toContain('allowed one URL in standalone mode');
    expect(refused.stderr + standalone.stderr).not.toContain(topology.password);
  }, 30_000);
});

describe('a standalone Redis over TLS with a password', () => {
  const topology = new RedisTopology({ tls: true });
  let url: string;
  beforeAll(async () => {
    ({ url } = await topology.startServer());
  }, 30_000);
  afterAll(() => topology.remove());

  it('runs the pipeline over rediss://, and the password appears in no output', async () => {
    const output: string[] = [];
    await runThePipeline({ ...topology.clientEnv, REDIS_URL: url, PROMPTRCA_QUEUE_PREFIX: 'tls' }, output);
    expect(output.join('\n')).not.toContain(topology.password);
  }, 120_000);

  it('says the password is wrong (a configuration error, exit 2) without printing either password', async () => {
    const wrong = url.replace(topology.password, 'not-the-password');
    const run = await runCli(['queue', 'status'], { ...topology.clientEnv, REDIS_URL: wrong });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Redis at rediss://:***@127.0.0.1:');
    expect(run.stderr).toMatch(/refuses this client \(WRONGPASS .*\): check the user, password and database index in REDIS_URL/);
    expect(run.stderr).not.toContain('not-the-password');
  }, 30_000);
});

describe('a master found through Redis Sentinel', () => {
  const topology = new RedisTopology();
  let sentinels: string;
  beforeAll(async () => {
    sentinels = await topology.startSentinels('promptrca-master');
  }, 30_000);
  afterAll(() => topology.remove());

  it('runs the pipeline on the master the sentinels name, and the password appears in no output', async () => {
    const output: string[] = [];
    const env = {
      REDIS_URL: sentinels,
      PROMPTRCA_REDIS_MODE: 'sentinel',
      PROMPTRCA_REDIS_SENTINEL_NAME: 'promptrca-master',
      PROMPTRCA_QUEUE_PREFIX: 'sentinel',
    };
    expect(await runThePipeline(env, output)).toBe('sentinel');
    expect(output.join('\n')).not.toContain(topology.password);
    // Sentinels without a password are not sent one (ioredis would warn of it on stderr).
    expect(output.join('\n')).not.toContain('does not require a password');
  }, 120_000);
});

describe('the options of a master found through sentinels', () => {
  const target = { mode: 'sentinel' as const, urls: 'redis://ops:pw@s1:26379,redis://ops:pw@s2:26380', sentinelName: 'mymaster' };
  const master = { username: 'ops', password: 'pw' };

  it('give the URL credentials to the master only, unless the sentinels require them too', () => {
    const plain = sentinelOptions(target, master);
    expect(plain).toMatchObject({
      ...master,
      name: 'mymaster',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
    });
    expect(plain).not.toHaveProperty('sentinelPassword');
    expect(plain).not.toHaveProperty('sentinelUsername');
    expect(sentinelOptions({ ...target, sentinelAuth: true }, master)).toMatchObject({
      ...master,
      sentinelUsername: 'ops',
      sentinelPassword: 'pw',
    });
    const passwordOnly = sentinelOptions({ ...target, urls: 'rediss://:pw@s1:26379', sentinelAuth: true }, { password: 'pw' });
    expect(passwordOnly).toMatchObject({ sentinelPassword: 'pw', enableTLSForSentinelMode: true });
    expect(passwordOnly).not.toHaveProperty('sentinelUsername');
  });
});

describe("sentinels that require a password of their own (the master's)", () => {
  const topology = new RedisTopology();
  let sentinels: string;
  beforeAll(async () => {
    sentinels = await topology.startSentinels('promptrca-master', true);
  }, 30_000);
  afterAll(() => topology.remove());
  const env = () => ({
    REDIS_URL: sentinels,
    PROMPTRCA_REDIS_MODE: 'sentinel',
    PROMPTRCA_REDIS_SENTINEL_NAME: 'promptrca-master',
    PROMPTRCA_QUEUE_PREFIX: 'sentinel-auth',
  });

  it('runs the pipeline with PROMPTRCA_REDIS_SENTINEL_AUTH=true, and the password appears in no output', async () => {
    const output: string[] = [];
    expect(await runThePipeline({ ...env(), PROMPTRCA_REDIS_SENTINEL_AUTH: 'true' }, output)).toBe('sentinel-auth');
    expect(output.join('\n')).not.toContain(topology.password);
  }, 120_000);

  it.each([
    ['queue status', ['queue', 'status']],
    ['worker', ['worker', '--llm', 'none', '--metrics-port', '0']],
  ])(
    'without it, %s exits 2 saying the sentinels refuse the client and what to set',
    async (_name, args) => {
      const run = await runCli(args, env());
      expect(run.code).toBe(2);
      expect(run.stdout + run.stderr).toMatch(
        /the sentinels at sentinel redis:\/\/:\*\*\*@127\.0\.0\.1:\d+,redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ refuse this client \(NOAUTH .*\): set PROMPTRCA_REDIS_SENTINEL_AUTH=true/,
      );
      expect(run.stdout + run.stderr).not.toContain(topology.password);
    },
    30_000,
  );
});
