import type { InitializeMiddleware, MiddlewareStack } from '@smithy/types';
import { answerMetricQueries } from './recorded-metrics.js';
import { findRecordedCall, type Recording, toJsonForm } from './recording.js';

/** Builds the error a service would throw for an AWS error name. */
export type ServiceErrorFactory = (name: string, message: string) => Error;

export type ServiceExceptionClass = new (options: {
  name: string;
  $fault: 'client' | 'server';
  message: string;
  $metadata: Record<string, never>;
}) => Error;

/**
 * Errors as the client package would throw them: its own exception class when it exports one of that
 * name (so `instanceof TooManyRequestsException` holds), else its service base class with the name set.
 */
export function sdkErrorFactory(sdk: object, ServiceException: ServiceExceptionClass): ServiceErrorFactory {
  return (name, message) => {
    const Named = (sdk as Record<string, unknown>)[name];
    const ErrorClass =
      typeof Named === 'function' && Named.prototype instanceof ServiceException ? (Named as ServiceExceptionClass) : ServiceException;
    return new ErrorClass({ name, $fault: 'client', message, $metadata: {} });
  };
}

const REPLAY_MIDDLEWARE_NAME = 'promptrcaReplay';

/**
 * Answers every command from the recording at the initialize step, before serialisation, signing,
 * retries and the network, so a replay needs no credentials, endpoint or connection.
 */
function replayMiddleware<Input extends object, Output extends object>(
  service: string,
  recording: Recording,
  toError: ServiceErrorFactory,
): InitializeMiddleware<Input, Output> {
  return (_next, context) => async (args) => {
    const command = (context.commandName ?? '').replace(/Command$/, '');
    const perMetric = service === 'cloudwatch' && command === 'GetMetricData' ? answerMetricQueries(recording, args.input) : null;
    if (perMetric) return { output: { ...perMetric, $metadata: {} } as unknown as Output, response: undefined };
    const call = findRecordedCall(recording, service, command, args.input);
    if (!call) {
      throw toError(
        'ResourceNotFoundException',
        `No recorded call matched ${service} ${command} ${JSON.stringify(toJsonForm(args.input))}`,
      );
    }
    if (call.error) throw toError(call.error.name, call.error.message);
    // Not copied: the recording is frozen, so no caller can change what later calls get.
    const output = { ...call.output, $metadata: {} };
    return { output: output as unknown as Output, response: undefined };
  };
}

export function answerFromRecording<Input extends object, Output extends object>(
  stack: MiddlewareStack<Input, Output>,
  service: string,
  recording: Recording,
  toError: ServiceErrorFactory,
): void {
  stack.add(replayMiddleware<Input, Output>(service, recording, toError), {
    step: 'initialize',
    priority: 'high',
    name: REPLAY_MIDDLEWARE_NAME,
  });
}
