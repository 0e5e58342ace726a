import { describe, expect, it } from 'vitest';
import { loadConfig, parseOption, parseWholeNumber, readSetting } from '../src/platform/config.js';
import { ConfigError } from '../src/platform/errors.js';

describe('loadConfig', () => {
  it('fills every default when nothing is set, and says nothing was given', () => {
    const config = loadConfig({});
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.PROMPTRCA_QUEUE_PREFIX).toBe('bull');
    expect(config.PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE).toBe(100);
    expect(config.PROMPTRCA_USE_DIRECT_ORCHESTRATION).toBe(false);
    expect(config.PROMPTRCA_FORCE_ORCHESTRATOR).toBeNull();
    expect(config.AWS_REGION).toBe('us-east-1');
    expect(config.given.size).toBe(0);
  });

  it('treats a blank value as unset and trims the others', () => {
    const config = loadConfig({ PROMPTRCA_JOB_ATTEMPTS: '  ', PROMPTRCA_WORKER_CONCURRENCY: ' 25 ', AWS_REGION: 'eu-west-1' });
    expect(config.PROMPTRCA_JOB_ATTEMPTS).toBe(3);
    expect(config.PROMPTRCA_WORKER_CONCURRENCY).toBe(25);
    expect([...config.given].sort()).toEqual(['AWS_REGION', 'PROMPTRCA_WORKER_CONCURRENCY']);
  });

  it.each([
    ['PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE', '150', 'a whole number from 0 to 100'],
    ['PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE', '12.5', 'a whole number from 0 to 100'],
    ['PROMPTRCA_USE_DIRECT_ORCHESTRATION', 'yes', 'true or false'],
    ['PROMPTRCA_FORCE_ORCHESTRATOR', 'fastest', 'direct or agent_tools (or unset)'],
    ['REDIS_URL', 'http://localhost:6379', 'a redis:// or rediss:// URL'],
    ['LOG_LEVEL', 'loud', 'error, warn, info'],
  ])('refuses %s=%s, naming the variable, the value and what is allowed', (variable, value, allowed) => {
    const thrown = (() => {
      try {
        loadConfig({ [variable]: value });
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as ConfigError).message;
    expect(message).toContain(`${variable}=${JSON.stringify(value)}`);
    expect(message).toContain(allowed);
    expect((thrown as ConfigError).exitCode).toBe(2);
  });
});

describe('readSetting (one variable, for the logger made before the environment is checked)', () => {
  it('reads by the same rule as loadConfig: trimmed, blank as unset, an invalid value named', () => {
    expect(readSetting('PROMPTRCA_LOG_FILE', { PROMPTRCA_LOG_FILE: ' /var/log/promptrca.log ' })).toBe('/var/log/promptrca.log');
    expect(readSetting('LOG_LEVEL', { LOG_LEVEL: '  ' })).toBeNull();
    expect(readSetting('LOG_LEVEL', { LOG_LEVEL: 'debug' })).toBe('debug');
    expect(() => readSetting('LOG_LEVEL', { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL="loud" is not valid: allowed error, warn/);
    expect(() => readSetting('LOG_LEVEL', { LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });
});

describe('command-line overrides', () => {
  it('parse by the variable’s rule and name the option on error', () => {
    expect(parseOption('PROMPTRCA_WORKER_CONCURRENCY', '--concurrency', '7')).toBe(7);
    expect(() => parseOption('PROMPTRCA_WORKER_CONCURRENCY', '--concurrency', '0')).toThrow(
      '--concurrency="0" is not valid: allowed a whole number from 1 to 1000',
    );
    expect(parseOption('PROMPTRCA_USE_DIRECT_ORCHESTRATION', '--enabled', 'true')).toBe(true);
    expect(() => parseWholeNumber('--last', '-1', 0, 10)).toThrow('--last="-1" is not valid: allowed a whole number from 0 to 10');
  });
});

describe('Redis modes', () => {
  const refusal = (env: NodeJS.ProcessEnv) => {
    try {
      loadConfig(env);
    } catch (error) {
      return error as ConfigError;
    }
    throw new Error('accepted');
  };

  it('reads sentinel and cluster seed lists, and gives a cluster the {promptrca} prefix unless one with a hash tag is set', () => {
    const seeds = 'rediss://:pw@a.example:6379,rediss://:pw@b.example:6379';
    expect(loadConfig({ REDIS_URL: seeds, PROMPTRCA_REDIS_MODE: 'cluster' }).PROMPTRCA_QUEUE_PREFIX).toBe('{promptrca}');
    expect(
      loadConfig({ REDIS_URL: seeds, PROMPTRCA_REDIS_MODE: 'cluster', PROMPTRCA_QUEUE_PREFIX: 'prod{rca}' }).PROMPTRCA_QUEUE_PREFIX,
    ).toBe('prod{rca}');
    const sentinel = loadConfig({ REDIS_URL: seeds, PROMPTRCA_REDIS_MODE: 'sentinel', PROMPTRCA_REDIS_SENTINEL_NAME: 'mymaster' });
    expect([sentinel.PROMPTRCA_REDIS_MODE, sentinel.PROMPTRCA_REDIS_SENTINEL_NAME, sentinel.PROMPTRCA_QUEUE_PREFIX]).toEqual([
      'sentinel',
      'mymaster',
      'bull',
    ]);
    expect(loadConfig({}).PROMPTRCA_REDIS_MODE).toBe('standalone');
  });

  it.each(['bull', 'a{}b', 'a}b{', 'prefix{'])('refuses the cluster prefix %s, which has no hash tag', (prefix) => {
    const error = refusal({ PROMPTRCA_REDIS_MODE: 'cluster', PROMPTRCA_QUEUE_PREFIX: prefix });
    expect(error.message).toContain(`PROMPTRCA_QUEUE_PREFIX=${JSON.stringify(prefix)} is not valid: allowed a prefix with a {hash tag}`);
    expect(error.exitCode).toBe(2);
  });

  it('refuses a list in standalone mode, a sentinel mode without a master name, and a mode it does not know', () => {
    expect(refusal({ REDIS_URL: 'redis://a:1,redis://b:2' }).message).toContain('allowed one URL in standalone mode');
    expect(refusal({ PROMPTRCA_REDIS_MODE: 'sentinel' }).message).toContain('PROMPTRCA_REDIS_SENTINEL_NAME');
    expect(refusal({ PROMPTRCA_REDIS_MODE: 'replicated' }).message).toContain('allowed standalone, sentinel, cluster');
  });

  it.each([
    ['redis://:hunter2@cache:6379,not a url', 'redis://:***@cache:6379'],
    ['redis//user:hunter2@cache:6379', 'redis//user:***@cache:6379'],
    ['rediss://user:hun/ter2@cache', 'rediss://user:***@cache'],
    ['http://admin:hunter2@cache:6379', 'http://admin:***@cache:6379'],
    ['redis://:hun?ter2@cache:6379', 'redis://:***'],
    ['redis://cache:99999?password=hun@ter2', 'redis://cache:***'],
  ])('masks the password of REDIS_URL=%s in its error, valid URL or not', (url, shown) => {
    const message = refusal({ REDIS_URL: url }).message;
    expect(message).toContain(shown);
    expect(message).not.toContain('hunter2');
  });

  it.each([
    ['redis://127.0.0.1:1?password=secretQ', 'redis://127.0.0.1:1?***'],
    ['rediss://user@cache:6379/0?password=secretQ&tls=true', 'rediss://user@cache:6379/0?***'],
    ['redis://:pw@cache:6379#secretQ', 'redis://:***@cache:6379#***'],
  ])('refuses REDIS_URL=%s, whose query or fragment connections would ignore, naming where credentials go', (url, shown) => {
    const error = refusal({ REDIS_URL: url });
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`REDIS_URL=${JSON.stringify(shown)} is not valid`);
    expect(error.message).toContain('allowed no ?query or #fragment: give the user and password before the host');
    expect(error.message).not.toContain('secretQ');
  });

  it('refuses a query in any URL of a sentinel or cluster list, masking each', () => {
    const error = refusal({
      REDIS_URL: 'redis://:secretQ@a:26379,redis://b:26379?sentinelPassword=secretQ',
      PROMPTRCA_REDIS_MODE: 'sentinel',
      PROMPTRCA_REDIS_SENTINEL_NAME: 'mymaster',
    });
    expect(error.message).toContain('REDIS_URL="redis://:***@a:26379,redis://b:26379?***" is not valid: allowed no ?query');
    expect(error.message).not.toContain('secretQ');
  });

  it('masks the passwords of a seed list refused in standalone mode', () => {
    const message = refusal({ REDIS_URL: 'redis://:hunter2@a:1,redis://u:hunter2@b:2' }).message;
    expect(message).toContain('REDIS_URL="redis://:***@a:1,redis://u:***@b:2"');
    expect(message).not.toContain('hunter2');
  });
});
