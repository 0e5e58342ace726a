import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDIS_URL } from './support/pipeline.js';
import { runCli } from './support/run-cli.js';

const redis = new URL(REDIS_URL);

describe('start-up validation', () => {
  it('refuses a PROMPTRCA_LOG_FILE that cannot be written with exit 2, naming it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'promptrca-log-'));
    const result = await runCli(['queue', 'status'], { REDIS_URL, PROMPTRCA_LOG_FILE: directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`PROMPTRCA_LOG_FILE="${directory}" is not valid: allowed a file this process can create or append to`);
  });

  it.each([
    ['a user and password Redis does not know', `redis://nosuchuser:S3cretPW@${redis.host}`, /WRONGPASS/],
    ['a database index out of range', `redis://${redis.host}/99`, /DB index/],
  ])('treats %s as configuration (exit 2), for a command and for a worker, password masked', async (_what, url, cause) => {
    for (const args of [
      ['queue', 'status'],
      ['worker', '--llm', 'none'],
    ]) {
      const result = await runCli(args, { REDIS_URL: url });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/refuses this client \(.*\): check the user, password and database index in REDIS_URL/);
      expect(result.stderr).toMatch(cause);
      expect(result.stderr).not.toContain('start Redis');
      expect(result.stderr).not.toContain('S3cretPW');
    }
  });
});
