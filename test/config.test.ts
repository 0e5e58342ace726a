import { describe, expect, it } from 'vitest';
import { loadConfig, parseOption, parseWholeNumber } from '../src/platform/config.js';
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
