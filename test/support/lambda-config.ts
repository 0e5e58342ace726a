import type { LambdaConfig } from '../../src/orchestrators/specialists/lambda/evidence.js';

/** The configuration GetFunctionConfiguration gives an ordinary function `name` on $LATEST, with overrides. */
export function lambdaConfigOf(name: string, overrides: Partial<LambdaConfig> = {}): LambdaConfig {
  return {
    functionName: name,
    functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    timeoutSeconds: 3,
    memoryMb: 256,
    role: `arn:aws:iam::123456789012:role/${name}-role`,
    lastModified: '2024-03-01T09:00:00.000+0000',
    version: '$LATEST',
    codeSha256: null,
    environmentVariableNames: [],
    logGroup: `/aws/lambda/${name}`,
    reservedConcurrency: null,
    state: 'Active',
    lastUpdateStatus: 'Successful',
    ...overrides,
  };
}
