import { describe, expect, it } from 'vitest';
import { InputError } from '../src/platform/errors.js';
import { NormalizedAlarmSchema } from '../src/producer/alarm.js';
import { manualAlarm } from '../src/producer/manual-alarm.js';

describe('manualAlarm', () => {
  it('stands in for an ALARM on the function, at the given time', () => {
    const alarm = manualAlarm('checkout-api', 'eu-west-1', new Date('2025-01-02T03:04:05.006Z'));
    expect(NormalizedAlarmSchema.parse(alarm)).toEqual(alarm);
    expect(alarm).toMatchObject({
      format: 'manual',
      state: 'ALARM',
      reason: 'manual investigation',
      region: 'eu-west-1',
      namespace: 'AWS/Lambda',
      dimensions: { FunctionName: 'checkout-api' },
      time: '2025-01-02T03:04:05.006Z',
    });
  });

  it('refuses an empty function name', () => {
    expect(() => manualAlarm('  ', 'us-east-1')).toThrow(InputError);
    expect(() => manualAlarm('', 'us-east-1')).toThrow(/function name is empty/);
  });

  it('refuses a region that is not a region code, naming it', () => {
    expect(() => manualAlarm('fn', 'US East (N. Virginia)')).toThrow(
      /region "US East \(N\. Virginia\)" is not an AWS region code: expected one such as us-east-1/,
    );
  });
});
