import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const PASSWORD = 'S3cretPW';

describe('a URL with a password is never printed with it, valid or not', () => {
  it.each([
    ['enqueue', ['enqueue', '--alarm', 'examples/lambda-timeout.json'], true],
    ['worker', ['worker'], false],
    ['queue status', ['queue', 'status'], true],
    ['rollout status', ['rollout', 'status'], true],
  ])('%s with an invalid REDIS_URL holding a password: exit 2, the password masked', async (_name, args, hasJson) => {
    for (const url of [`redis://:${PASSWORD}@127.0.0.1:99999`, `redis://user:${PASSWORD}@cache:99999`]) {
      for (const json of hasJson ? [[], ['--json']] : [[]]) {
        const result = await runCli([...args, ...json], { REDIS_URL: url });
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('REDIS_URL=');
        expect(result.stderr).toContain(':***@');
        expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      }
    }
  });

  it('refuses a password in the query of REDIS_URL with exit 2, masked, naming where it goes', async () => {
    const result = await runCli(['queue', 'status'], { REDIS_URL: `redis://127.0.0.1:1?password=${PASSWORD}` });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('REDIS_URL="redis://127.0.0.1:1?***" is not valid');
    expect(result.stderr).toContain('redis://user:password@host:6379');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it.each([
    ['PROMPTRCA_NOTIFY_WEBHOOK_URLS', `ftp://hooks:${PASSWORD}@example.test/x`],
    ['OPENAI_BASE_URL', `abc://key:${PASSWORD}@model`],
  ])('masks the password of an invalid %s', async (variable, value) => {
    const result = await runCli(['queue', 'status'], { [variable]: value });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${variable}=`);
    expect(result.stderr).not.toContain(PASSWORD);
  });
});

describe('OPENAI_BASE_URL is checked at start', () => {
  it('refuses text that is no http(s) URL with exit 2, naming it and what is allowed', async () => {
    const result = await runCli(['investigate', '--alarm', 'examples/lambda-timeout.json', '--orchestrator', 'direct'], {
      OPENAI_BASE_URL: 'abc',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('OPENAI_BASE_URL="abc" is not valid: allowed an http:// or https:// URL');
  });
});
