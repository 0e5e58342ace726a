import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, SETTING_NAMES } from '../src/platform/config.js';
import {
  deleteKeys,
  logLines,
  openQueues,
  REDIS_URL,
  runCli,
  SCENARIO,
  startWorker,
  stopAll,
  uniquePrefix,
  waitForReports,
} from './support/pipeline.js';

interface Service {
  image?: string;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
}

const COMPOSE_TEXT = readFileSync('docker-compose.yml', 'utf8');
const compose = parse(COMPOSE_TEXT, { merge: true }) as { services: Record<string, Service> };
const override = parse(readFileSync('docker-compose.redis-port.yml', 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const LONG_RUNNING = ['worker', 'sqs-bridge', 'notify', 'guard'];
const GRACE_SECONDS = loadConfig({}).PROMPTRCA_SHUTDOWN_GRACE_SECONDS;

/** Compose's interpolation of `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}` and `$$`, against `shell`. */
function interpolate(text: string, shell: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g,
    (whole, name: string | undefined, colon: string, kind: string, word: string) => {
      if (whole === '$$') return '$';
      const value = shell[name ?? ''];
      const missing = colon ? !value : value === undefined;
      if (!missing) return value ?? '';
      if (kind === '?') throw new Error(`${name}: ${word}`);
      return kind === '-' ? word : '';
    },
  );
}

/** A service's environment as a container gets it when the shell (or .env) holds `shell`. */
function containerEnv(service: Service, shell: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), shell)]));
}

describe('docker-compose.yml', () => {
  it('runs Redis and workers by default, and the bridge, notify, the guard and one-off commands under their profiles', () => {
    const byDefault = Object.entries(services)
      .filter(([, service]) => !service.profiles)
      .map(([name]) => name);
    expect(byDefault.sort()).toEqual(['redis', 'worker']);
    expect(services['sqs-bridge']?.profiles).toEqual(['bridge']);
    expect(services.notify?.profiles).toEqual(['notify']);
    expect(services.guard?.profiles).toEqual(['guard']);
    expect(services.cli?.profiles).toEqual(['cli']);
    expect(services.worker?.command).toEqual(['worker']);
    expect(services.notify?.command).toEqual(['notify']);
    expect(services.guard?.command).toEqual(['rollout', 'guard']);
    const bridgeCommand = services['sqs-bridge']?.command?.map((part) => interpolate(part, { PROMPTRCA_SQS_QUEUE_URL: 'https://q' }));
    expect(bridgeCommand).toEqual(['sqs-bridge', '--queue-url', 'https://q']);
  });

  it('does not publish Redis unless asked, and then on loopback only; Redis requires the password from .env', () => {
    expect(services.redis?.ports).toBeUndefined();
    const published = (shell: Record<string, string>) => override.services.redis?.ports?.map((port) => interpolate(port, shell));
    expect(published({})).toEqual(['127.0.0.1:6380:6379']);
    expect(published({ REDIS_PORT: '7000' })).toEqual(['127.0.0.1:7000:6379']);
    expect(services.redis?.command?.join(' ')).toContain('--requirepass "$$REDIS_PASSWORD"');
    expect(() => containerEnv(services.redis as Service, {})).toThrow('REDIS_PASSWORD: set REDIS_PASSWORD in .env');
    expect(containerEnv(services.redis as Service, { REDIS_PASSWORD: 'pw' })).toEqual({ REDIS_PASSWORD: 'pw', REDISCLI_AUTH: 'pw' });
  });

  it.each([...LONG_RUNNING, 'cli'])('%s gets every setting the product reads, REDIS_URL always the compose Redis', (name) => {
    const environment = services[name]?.environment ?? {};
    expect(Object.keys(environment)).toEqual(expect.arrayContaining(SETTING_NAMES));
    const env = containerEnv(services[name] as Service, {
      REDIS_PASSWORD: 'pw',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PROMPTRCA_JOB_ATTEMPTS: '7',
    });
    expect(env.REDIS_URL).toBe('redis://:pw@redis:6379');
    expect(env.PROMPTRCA_JOB_ATTEMPTS).toBe('7');
    // Passed through: each variable the shell may set is read under its own name.
    for (const [variable, value] of Object.entries(environment)) {
      const reads = [...String(value).matchAll(/\$\{(\w+)/g)].map((match) => match[1]);
      if (variable !== 'REDIS_URL' && reads.length > 0) expect(reads, variable).toEqual([variable]);
    }
    expect(services[name]?.volumes?.map((volume) => interpolate(volume, { HOME: '/home/me' }))).toContain(
      '/home/me/.aws:/home/node/.aws:ro',
    );
    expect(services[name]?.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  });

  it.each(LONG_RUNNING)('%s publishes /metrics and the probes on the host loopback only, on a port Docker picks', (name) => {
    expect(services[name]?.ports).toEqual(['127.0.0.1::9464']);
  });

  it.each(LONG_RUNNING)('%s has the /readyz healthcheck and stops after the shutdown grace', (name) => {
    expect(services[name]?.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:9464/readyz');
    expect(Number.parseInt(services[name]?.stop_grace_period ?? '', 10)).toBeGreaterThan(GRACE_SECONDS);
    expect(services[name]?.environment?.PROMPTRCA_METRICS_HOST).toBe('0.0.0.0');
  });

  it('keeps one-off commands free of healthchecks and restarts, with the alarm folder mounted read-only', () => {
    expect(services.cli?.healthcheck).toBeUndefined();
    expect(services.cli?.restart).toBeUndefined();
    const mounts = (shell: Record<string, string>) => services.cli?.volumes?.map((volume) => interpolate(volume, shell));
    expect(mounts({})).toContain('./examples:/alarms:ro');
    expect(mounts({ PROMPTRCA_ALARMS_DIR: '/srv/alarms' })).toContain('/srv/alarms:/alarms:ro');
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).not.toMatch(/^HEALTHCHECK/m);
    expect(dockerfile).toMatch(/^FROM node:24-bookworm-slim$/m);
    expect(
      dockerfile
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('USER')),
    ).toEqual(['USER node']);
  });

  it('puts promptrca on the image PATH, as package.json names it, for commands run in a running container', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const { bin } = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: { promptrca: string } };
    expect(dockerfile).toContain(`ln -s /app/${bin.promptrca} /usr/local/bin/promptrca`);
    expect(dockerfile).toContain(`chmod 755 ${bin.promptrca}`);
    expect(readFileSync(`src/${bin.promptrca.replace(/^dist\/src\//, '').replace(/\.js$/, '.ts')}`, 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/,
    );
    expect(dockerfile).toMatch(/^ENTRYPOINT \["promptrca"\]$/m);
    // Before USER: the link and the mode are made as root.
    expect(dockerfile.indexOf('ln -s')).toBeLessThan(dockerfile.indexOf('USER node'));
  });

  it("matches the README's compose commands: every service, profile and file they name exists", () => {
    const readme = readFileSync('README.md', 'utf8');
    const commands = readme.split('\n').filter((line) => /docker compose /.test(line) && !line.trim().startsWith('#'));
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const command of commands) {
      for (const [, service] of command.matchAll(/(?:run --rm|--scale) ([\w-]+)/g))
        expect(Object.keys(services), command).toContain(service);
      for (const [, profile] of command.matchAll(/--profile ([\w-]+)/g))
        expect(
          Object.values(services).flatMap((s) => s.profiles ?? []),
          command,
        ).toContain(profile);
      for (const [, file] of command.matchAll(/-f ([\w.-]+\.yml)/g)) expect(() => readFileSync(file ?? ''), command).not.toThrow();
    }
  });
});

describe('the compose defaults', () => {
  it('make a worker that starts without a model or AWS and gives an example its root cause', async () => {
    const prefix = uniquePrefix('compose-defaults');
    // What .env.example gives, with the compose Redis swapped for the test's.
    const dotEnv = Object.fromEntries(
      readFileSync('.env.example', 'utf8')
        .split('\n')
        .filter((line) => /^\w+=/.test(line))
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    const env: Record<string, string> = {
      ...containerEnv(services.worker as Service, dotEnv),
      REDIS_URL,
      PROMPTRCA_QUEUE_PREFIX: prefix,
      PROMPTRCA_METRICS_PORT: '0',
    };
    expect(env.OPENAI_API_KEY).toBe('');
    const worker = await startWorker(env);
    const queues = await openQueues(prefix);
    try {
      expect(logLines(worker.stdout()).find((line) => line.message === 'worker started')).toMatchObject({
        llm: 'none',
        aws_replay: 'examples/',
      });
      expect((await runCli(['enqueue', '--alarm', SCENARIO], { ...env })).code).toBe(0);
      const [report] = await waitForReports(queues, 1, 30_000);
      expect(report).toMatchObject({ orchestrator_type: 'direct_invocation', status: 'completed', root_cause: { type: 'timeout' } });
    } finally {
      await stopAll([worker]);
      await queues.close();
      await deleteKeys(prefix);
    }
  }, 60_000);
});
