import { ResourceArnUnknownError } from '../../errors.js';
import { type PartRead, partFactTools } from '../part-fact-tools.js';
import { deadLetterSourcesOf, queueAttributesOf, queueConsumersOf, queueUrlOf } from './read-queue.js';
import type { SqsEvidence } from './sqs-evidence.js';
import { sqsFacts } from './sqs-rules.js';

/** The argument of every SQS tool, the lead's delegation included. */
export const QUEUE_NAME = 'queue_name';

/** The URL read before, or GetQueueUrl (answered once per investigation). */
const urlOf = async ({ aws, resource, known }: PartRead<SqsEvidence>): Promise<string> => known.url ?? queueUrlOf(aws, resource.name);

/** The queue's attributes, its dead-letter sources and its consumers, each a tool of the SQS specialist. */
export const sqsFactTools = partFactTools<SqsEvidence>({
  type: 'sqs',
  parameter: QUEUE_NAME,
  empty: ({ name }) => ({ queueName: name, url: null, attributes: null, deadLetterSources: null, consumers: null }),
  facts: sqsFacts,
  tools: [
    {
      name: 'get_queue_attributes',
      description: 'SQS queue depth, age, visibility timeout and redrive policy',
      async read(input) {
        const url = await urlOf(input);
        return { url, attributes: await queueAttributesOf(input.aws, url) };
      },
    },
    {
      name: 'list_dead_letter_source_queues',
      description: 'The queues whose dead-letter queue this one is',
      async read(input) {
        const url = await urlOf(input);
        return { url, deadLetterSources: await deadLetterSourcesOf(input.aws, url) };
      },
    },
    {
      name: 'list_event_source_mappings',
      description: "The Lambda event source mappings that consume the queue: state, batch size, last result, the function's timeout",
      async read(input) {
        const url = await urlOf(input);
        const arn = input.known.attributes?.arn ?? (await queueAttributesOf(input.aws, url)).arn;
        if (!arn) throw new ResourceArnUnknownError(`the ARN of queue ${input.resource.name} is not known`);
        return { url, consumers: await queueConsumersOf(input.aws, arn, input.failures) };
      },
    },
  ],
});
