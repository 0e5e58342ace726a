/** What the Step Functions specialist reads of one state machine. */
export interface StepFunctionsEvidence {
  stateMachineName: string;
  stateMachineArn: string | null;
  /** `STANDARD` or `EXPRESS`; null when DescribeStateMachine failed. */
  machineType: string | null;
  /** The newest failed executions listed; null when ListExecutions failed. */
  failedExecutions: FailedExecution[] | null;
  /** The latest failed executions, newest first, each with where and why it failed. */
  failures: ExecutionFailure[] | null;
}

export interface FailedExecution {
  executionArn: string;
  executionName: string;
  stopDate: string | null;
}

export interface ExecutionFailure extends FailedExecution {
  /** The state that failed, when the history names it. */ state: string | null;
  /** `States.TaskFailed`, `States.Timeout`, `Lambda.TooManyRequestsException`, the function's `errorType` … */
  error: string | null;
  /** The cause as the service wrote it: for a Lambda task, the function's error JSON. */
  cause: string | null;
  /** The Lambda function the failing task invoked, by name or ARN. */
  functionReference: string | null;
  /** `TaskTimedOut`, `LambdaFunctionFailed` …: which history event said so. */
  eventType: string | null;
}
