import type { Fact } from '../../../report/report.js';
import type { RuleHypothesis, RuleRootCause } from '../../rules/rule-hypothesis.js';
import type { QueueConsumer, SqsEvidence } from './sqs-evidence.js';

const ENABLED = new Set(['Enabled', 'Enabling', 'Updating']);

/** The rules of this file, by which a root cause they formed is advised on. */
const RULES = {
  consumerDisabled: 'sqs.consumer-disabled',
  visibilityBelowTimeout: 'sqs.visibility-below-timeout',
  noConsumer: 'sqs.no-consumer',
} as const;

function consumerLine(consumer: QueueConsumer): string {
  return (
    `event source mapping ${consumer.uuid ?? '?'} → ${consumer.functionName}: state ${consumer.state ?? '?'}, batch size ${consumer.batchSize ?? '?'}, ` +
    `last processing result ${consumer.lastProcessingResult ?? 'n/a'}` +
    (consumer.stateTransitionReason ? ` (${consumer.stateTransitionReason})` : '')
  );
}

/** The report's facts about one queue: its settings and depth, what it is the dead letter of, who consumes it. */
export function sqsFacts(evidence: SqsEvidence): Fact[] {
  const facts: Fact[] = [];
  const { queueName: name, attributes } = evidence;
  if (attributes) {
    const redrive = attributes.redrive
      ? `redrive to ${attributes.redrive.deadLetterTargetArn.split(':').pop()} after ${attributes.redrive.maxReceiveCount} receives`
      : 'no redrive policy';
    facts.push({
      source: 'sqs.GetQueueAttributes',
      content:
        `${name}: ${attributes.messagesVisible ?? '?'} messages visible, ${attributes.messagesInFlight ?? '?'} in flight, ` +
        `visibility timeout ${attributes.visibilityTimeoutSeconds ?? '?'} s, ${redrive}`,
      confidence: 1,
      metadata: { ...attributes },
    });
  }
  if (evidence.deadLetterSources && evidence.deadLetterSources.length > 0) {
    facts.push({
      source: 'sqs.ListDeadLetterSourceQueues',
      content: `${name} is the dead-letter queue of ${evidence.deadLetterSources.join(', ')}: messages land here after failing their receives there`,
      confidence: 1,
    });
  }
  if (evidence.consumers) {
    facts.push({
      source: 'lambda.ListEventSourceMappings',
      content:
        evidence.consumers.length === 0
          ? `no Lambda event source mapping reads ${name}`
          : `${name} is consumed by ${evidence.consumers.map(consumerLine).join('; ')}`,
      confidence: 1,
      metadata: { consumers: evidence.consumers },
    });
  }
  return facts;
}

function disabledConsumer(evidence: SqsEvidence): RuleHypothesis | null {
  const stopped = evidence.consumers?.find((consumer) => consumer.state !== null && !ENABLED.has(consumer.state));
  if (!stopped) return null;
  return {
    rule: RULES.consumerDisabled,
    type: 'configuration_error',
    description: `the event source mapping of ${evidence.queueName} to ${stopped.functionName} is ${stopped.state}: nothing reads the queue`,
    confidence: 0.85,
    evidence: [consumerLine(stopped)],
  };
}

function visibilityBelowTimeout(evidence: SqsEvidence): RuleHypothesis | null {
  const visibility = evidence.attributes?.visibilityTimeoutSeconds ?? null;
  const slow = evidence.consumers?.find(
    (c) => visibility !== null && c.functionTimeoutSeconds !== null && c.functionTimeoutSeconds > visibility,
  );
  if (!slow || visibility === null) return null;
  return {
    rule: RULES.visibilityBelowTimeout,
    type: 'configuration_error',
    description:
      `the visibility timeout of ${evidence.queueName} (${visibility} s) is shorter than the timeout of its consumer ${slow.functionName} ` +
      `(${slow.functionTimeoutSeconds} s): messages reappear while still being processed and are received again`,
    confidence: 0.6,
    evidence: [`visibility timeout ${visibility} s`, `${slow.functionName} timeout ${slow.functionTimeoutSeconds} s`],
  };
}

function noConsumer(evidence: SqsEvidence): RuleHypothesis | null {
  // A dead-letter queue is meant to be read by no one.
  if (evidence.consumers?.length !== 0 || (evidence.deadLetterSources?.length ?? 0) > 0) return null;
  if ((evidence.attributes?.messagesVisible ?? 0) === 0) return null;
  return {
    rule: RULES.noConsumer,
    type: 'configuration_error',
    description: `no Lambda consumes ${evidence.queueName}, which holds ${evidence.attributes?.messagesVisible} messages`,
    confidence: 0.5,
    evidence: [`ListEventSourceMappings for ${evidence.attributes?.arn ?? evidence.queueName}: none`],
  };
}

/**
 * What the queue itself explains. A failing or throttled consumer is the consumer's specialist's to
 * judge from its logs: the queue only says who reads it and how.
 */
export function sqsHypotheses(evidence: SqsEvidence): RuleHypothesis[] {
  return [disabledConsumer(evidence), visibilityBelowTimeout(evidence), noConsumer(evidence)].filter(
    (h): h is RuleHypothesis => h !== null,
  );
}

/** Advice for a root cause the queue formed; causes in its consumer get the consumer's advice. */
export function sqsAdvice(rootCause: RuleRootCause, evidence: SqsEvidence | null): string[] {
  const name = evidence?.queueName ?? 'the queue';
  if (rootCause.rule === RULES.consumerDisabled) {
    const stopped = evidence?.consumers?.find((c) => c.state !== null && !ENABLED.has(c.state));
    return [
      `Enable the event source mapping${stopped?.uuid ? ` ${stopped.uuid}` : ''} of ${name}` +
        (stopped ? ` (aws lambda update-event-source-mapping --uuid ${stopped.uuid} --enabled)` : '') +
        ', after fixing what disabled it.',
    ];
  }
  if (rootCause.rule === RULES.visibilityBelowTimeout) {
    return [`Set the visibility timeout of ${name} to at least six times its consumer's timeout, as AWS recommends for Lambda consumers.`];
  }
  if (rootCause.rule === RULES.noConsumer) {
    return [`Connect ${name} to its consumer (an event source mapping) or check the consumer that is meant to poll it.`];
  }
  return [`Check the consumer of ${name}: its errors, throttles and duration explain a backlog.`];
}
