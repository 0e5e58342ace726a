/**
 * The Lambda function a line names as the target of an invoke: a function ARN, or a
 * `FunctionName` parameter as SDK request logs and handlers print it. Null when it names none.
 */
const FUNCTION_ARN = /arn:[\w-]+:lambda:[\w-]*:\d*:function:([\w-]+)/;
const FUNCTION_NAME_PARAMETER = /\bFunctionName["']?\s*[:=]\s*["']?([\w-]+)/;

export function invokedFunctionIn(text: string): string | null {
  return FUNCTION_ARN.exec(text)?.[1] ?? FUNCTION_NAME_PARAMETER.exec(text)?.[1] ?? null;
}
