/** What the SQS specialist reads of one queue; null parts could not be read. */
export interface SqsEvidence {
  queueName: string;
  url: string | null;
  attributes: QueueAttributes | null;
  /** The queues whose redrive policy names this one: it is their dead-letter queue. */
  deadLetterSources: string[] | null;
  /** The Lambda event source mappings that read the queue. */
  consumers: QueueConsumer[] | null;
}

export interface QueueAttributes {
  arn: string | null;
  visibilityTimeoutSeconds: number | null;
  messagesVisible: number | null;
  messagesInFlight: number | null;
  /** Where messages go after `maxReceiveCount` receives, when the queue has a redrive policy. */
  redrive: { deadLetterTargetArn: string; maxReceiveCount: number } | null;
}

export interface QueueConsumer {
  uuid: string | null;
  functionArn: string;
  functionName: string;
  state: string | null;
  batchSize: number | null;
  lastProcessingResult: string | null;
  stateTransitionReason: string | null;
  /** The consumer's own timeout, which the visibility timeout must exceed. */
  functionTimeoutSeconds: number | null;
}
