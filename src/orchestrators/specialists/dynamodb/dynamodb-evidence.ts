/** What the DynamoDB specialist reads of one table; null parts could not be read. */
export interface DynamoDbEvidence {
  tableName: string;
  table: TableDescription | null;
  /** Sums and peaks over the alarm window, by what they measure. */
  usage: TableUsage | null;
}

export interface TableDescription {
  /** `PROVISIONED` or `PAY_PER_REQUEST` (on-demand). */
  billingMode: string;
  status: string | null;
  readCapacityUnits: number | null;
  writeCapacityUnits: number | null;
  indexes: Array<{ name: string; readCapacityUnits: number | null; writeCapacityUnits: number | null }>;
}

export interface TableUsage {
  /** Peak consumed capacity per second in any one minute of the window. */
  peakConsumedReadPerSecond: number | null;
  peakConsumedWritePerSecond: number | null;
  readThrottleEvents: number | null;
  writeThrottleEvents: number | null;
  /** Throttled requests by operation (`PutItem`: 120), only those that were throttled. */
  throttledByOperation: Record<string, number>;
  /** Throttle events by index, only those that were throttled. */
  throttledByIndex: Record<string, number>;
}
