import { describe, expect, it } from 'vitest';
import type { LogLine, LogScan, LogSignal, SignalKind } from '../src/orchestrators/specialists/lambda/evidence.js';
import { parseInitReportLine, parseReportLine } from '../src/orchestrators/specialists/lambda/signals/report-line.js';
import { scanLogs } from '../src/orchestrators/specialists/lambda/signals/scan-logs.js';

const REQUEST_ID = '5e3a1c1d-9f2b-4c6e-8a7d-2b1f0c9e8d7a';
const AT = Date.parse('2024-03-12T10:15:00Z');

function lines(...messages: string[]): LogLine[] {
  return messages.map((message, index) => ({ timestamp: AT + index * 1000, message: `${message}\n` }));
}

function only(scan: LogScan): LogSignal {
  expect(scan.signals).toHaveLength(1);
  return scan.signals[0]!;
}

function signalOf(message: string): LogSignal {
  return only(scanLogs(lines(message)));
}

function kindsOf(scan: LogScan): SignalKind[] {
  return scan.signals.map((signal) => signal.kind);
}

describe('timeouts', () => {
  it('reads "Task timed out" with the limit it states', () => {
    const signal = signalOf(`2024-03-12T10:15:03.130Z ${REQUEST_ID} Task timed out after 3.00 seconds`);
    expect(signal).toMatchObject({ kind: 'timeout', detail: 'Task timed out after 3.00 seconds', subject: '3.00' });
  });

  it('reads Status: timeout on a text REPORT line and keeps its figures', () => {
    const scan = scanLogs(
      lines(
        `REPORT RequestId: ${REQUEST_ID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 87 MB\tStatus: timeout`,
      ),
    );
    expect(only(scan)).toMatchObject({ kind: 'timeout', detail: 'REPORT Status: timeout' });
    expect(scan.reports).toEqual([
      {
        requestId: REQUEST_ID,
        durationMs: 3000,
        billedDurationMs: 3000,
        memorySizeMb: 128,
        maxMemoryUsedMb: 87,
        initDurationMs: null,
        status: 'timeout',
        errorType: null,
      },
    ]);
  });

  it('reads status "timeout" on a JSON platform.report', () => {
    const record = {
      time: '2024-03-12T10:15:03.130Z',
      type: 'platform.report',
      record: {
        requestId: REQUEST_ID,
        metrics: { durationMs: 3000.5, billedDurationMs: 3000, memorySizeMB: 256, maxMemoryUsedMB: 91, initDurationMs: 212.4 },
        status: 'timeout',
      },
    };
    const scan = scanLogs(lines(JSON.stringify(record)));
    expect(only(scan).kind).toBe('timeout');
    expect(scan.reports[0]).toEqual({
      requestId: REQUEST_ID,
      durationMs: 3000.5,
      billedDurationMs: 3000,
      memorySizeMb: 256,
      maxMemoryUsedMb: 91,
      initDurationMs: 212.4,
      status: 'timeout',
      errorType: null,
    });
  });
});

describe('out of memory', () => {
  it.each([
    ['custom runtime kill', `RequestId: ${REQUEST_ID} Error: Runtime exited with error: signal: killed\nRuntime.ExitError`],
    ['Node.js heap', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
    [
      'Java heap',
      'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)',
    ],
    [
      'Python MemoryError',
      `[ERROR] MemoryError\nTraceback (most recent call last):\n  File "/var/task/app.py", line 14, in handler\n    rows = list(reader)`,
    ],
    [
      '.NET',
      `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tfail\tSystem.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.`,
    ],
  ])('reads %s', (_runtime, message) => {
    expect(signalOf(message).kind).toBe('out_of_memory');
  });

  it('reads Error Type: Runtime.OutOfMemory on a REPORT line, and the memory used up to the limit', () => {
    const scan = scanLogs(
      lines(
        `REPORT RequestId: ${REQUEST_ID}\tDuration: 812.33 ms\tBilled Duration: 813 ms\tMemory Size: 512 MB\tMax Memory Used: 512 MB\tStatus: error\tError Type: Runtime.OutOfMemory`,
      ),
    );
    expect(kindsOf(scan)).toEqual(['out_of_memory', 'out_of_memory']);
    expect(scan.signals.map((signal) => signal.detail)).toEqual([
      'REPORT Status: error, Error Type: Runtime.OutOfMemory',
      'Max Memory Used reached Memory Size (512 MB)',
    ]);
    expect(scan.reports[0]).toMatchObject({ memorySizeMb: 512, maxMemoryUsedMb: 512, status: 'error', errorType: 'Runtime.OutOfMemory' });
  });

  it('gives no memory signal while memory stays below the limit', () => {
    const scan = scanLogs(
      lines(`REPORT RequestId: ${REQUEST_ID}\tDuration: 12.01 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 511 MB`),
    );
    expect(scan.signals).toEqual([]);
    expect(scan.reports).toHaveLength(1);
  });
});

describe('unhandled exceptions', () => {
  it('reads a Node.js Invoke Error with its type and message', () => {
    const signal = signalOf(
      `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')","stack":["TypeError: Cannot read properties of undefined (reading 'id')","    at Runtime.handler (file:///var/task/index.mjs:12:30)"]}`,
    );
    expect(signal).toMatchObject({
      kind: 'unhandled_exception',
      subject: 'TypeError',
      detail: "TypeError: Cannot read properties of undefined (reading 'id')",
    });
  });

  it('reads a Node.js unhandled promise rejection', () => {
    const signal = signalOf(
      `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tERROR\tUnhandled Promise Rejection \t{"errorType":"Runtime.UnhandledPromiseRejection","errorMessage":"Error: order 42 has no items","reason":{"errorType":"Error","errorMessage":"order 42 has no items"},"promise":{},"stack":["Runtime.UnhandledPromiseRejection: Error: order 42 has no items"]}`,
    );
    expect(signal).toMatchObject({ kind: 'unhandled_exception', subject: 'Runtime.UnhandledPromiseRejection' });
  });

  it('reads a Python [ERROR] header with its traceback', () => {
    const signal = signalOf(
      `[ERROR] KeyError: 'id'\nTraceback (most recent call last):\n  File "/var/task/app.py", line 9, in lambda_handler\n    order_id = event['id']`,
    );
    expect(signal).toMatchObject({ kind: 'unhandled_exception', subject: 'KeyError', detail: "KeyError: 'id'" });
  });

  it('reads a Python traceback logged without the [ERROR] header', () => {
    const signal = signalOf(
      `Traceback (most recent call last):\n  File "/var/task/app.py", line 21, in lambda_handler\n    total = int(body["qty"])\nValueError: invalid literal for int() with base 10: 'two'`,
    );
    expect(signal).toMatchObject({ kind: 'unhandled_exception', subject: 'ValueError' });
  });

  it('reads a Java exception and its stack', () => {
    const signal = signalOf(
      `java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null\n\tat com.example.orders.OrderHandler.handleRequest(OrderHandler.java:42)\n\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(Unknown Source)`,
    );
    expect(signal).toMatchObject({ kind: 'unhandled_exception', subject: 'java.lang.NullPointerException' });
  });

  it('reads a Go panic', () => {
    const signal = signalOf(
      'panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2f1c]\n\ngoroutine 1 [running]:\nmain.handler(...)',
    );
    expect(signal).toMatchObject({
      kind: 'unhandled_exception',
      subject: 'panic',
      detail: 'panic: runtime error: invalid memory address or nil pointer dereference',
    });
  });

  it('reads the JSON error a Go function returns', () => {
    const signal = signalOf('{"errorMessage":"order total must be positive","errorType":"errorString"}');
    expect(signal).toMatchObject({
      kind: 'unhandled_exception',
      subject: 'errorString',
      detail: 'errorString: order total must be positive',
    });
  });

  it('reads a .NET exception', () => {
    const signal = signalOf(
      `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tfail\tSystem.NullReferenceException: Object reference not set to an instance of an object.\n   at Orders.Function.FunctionHandler(APIGatewayProxyRequest request, ILambdaContext context) in /src/Function.cs:line 31`,
    );
    expect(signal).toMatchObject({ kind: 'unhandled_exception', subject: 'System.NullReferenceException' });
  });

  it('reads a custom runtime that exits', () => {
    const signal = signalOf(`RequestId: ${REQUEST_ID} Error: Runtime exited with error: exit status 1\nRuntime.ExitError`);
    expect(signal.kind).toBe('unhandled_exception');
    expect(signal.detail).toContain('exit status 1');
  });

  it('reads Lambda JSON-format application records and Powertools records', () => {
    const python = JSON.stringify({
      timestamp: '2024-03-12T10:15:03Z',
      level: 'ERROR',
      message: {
        errorMessage: 'division by zero',
        errorType: 'ZeroDivisionError',
        requestId: REQUEST_ID,
        stackTrace: ['  File "/var/task/app.py", line 7, in handler\n    ratio = a / b\n'],
      },
      requestId: REQUEST_ID,
    });
    const powertools = JSON.stringify({
      level: 'ERROR',
      location: 'handler:31',
      message: 'Failed to price basket',
      timestamp: '2024-03-12 10:15:03,120+0000',
      service: 'pricing',
      exception:
        'Traceback (most recent call last):\n  File "/var/task/app.py", line 29, in handler\n    price = prices[sku]\nIndexError: list index out of range',
      exception_name: 'IndexError',
    });
    const node = JSON.stringify({
      level: 'ERROR',
      message: 'checkout failed',
      service: 'checkout',
      timestamp: '2024-03-12T10:15:03.120Z',
      error: {
        name: 'RangeError',
        location: '/var/task/index.js:40',
        message: 'Invalid array length',
        stack: 'RangeError: Invalid array length\n    at checkout (/var/task/index.js:40:11)',
      },
    });
    const scan = scanLogs(lines(python, powertools, node));
    expect(scan.signals.map((signal) => [signal.kind, signal.subject])).toEqual([
      ['unhandled_exception', 'ZeroDivisionError'],
      ['unhandled_exception', 'IndexError'],
      ['unhandled_exception', 'RangeError'],
    ]);
  });
});

describe('init errors', () => {
  it.each([
    [
      'Node.js missing module',
      `2024-03-12T10:15:00.120Z\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module 'axios'\\nRequire stack:\\n- /var/task/index.js\\n- /var/runtime/index.mjs","stack":["Runtime.ImportModuleError: Error: Cannot find module 'axios'"]}`,
      'axios',
    ],
    [
      'Node.js handler not exported',
      `2024-03-12T10:15:00.120Z\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.HandlerNotFound","errorMessage":"index.handler is undefined or not exported","stack":["Runtime.HandlerNotFound: index.handler is undefined or not exported"]}`,
      'index.handler',
    ],
    [
      'Python import',
      `[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'\nTraceback (most recent call last):`,
      'requests',
    ],
    ['Python syntax', `[ERROR] Runtime.UserCodeSyntaxError: Syntax error in module 'app': invalid syntax (app.py, line 12)`, undefined],
    [
      'Java class',
      'Class not found: com.example.Handler: java.lang.ClassNotFoundException\njava.lang.ClassNotFoundException: com.example.Handler',
      'com.example.Handler',
    ],
    ['plain require', "Error: Cannot find module '/var/task/dist/index.js'", '/var/task/dist/index.js'],
  ])('reads %s', (_case, message, subject) => {
    const signal = signalOf(message);
    expect(signal.kind).toBe('init_error');
    expect(signal.subject).toBe(subject);
  });

  it('reads INIT_REPORT with a failed or timed-out init', () => {
    const scan = scanLogs(
      lines(
        'INIT_REPORT Init Duration: 412.77 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError',
        'INIT_REPORT Init Duration: 10004.13 ms\tPhase: init\tStatus: timeout',
      ),
    );
    expect(scan.signals.map((signal) => [signal.kind, signal.detail])).toEqual([
      ['init_error', 'INIT_REPORT Status: error, Error Type: Runtime.ImportModuleError'],
      ['init_error', 'INIT_REPORT Status: timeout'],
    ]);
  });

  it('reads a JSON platform.initReport, and a REPORT whose error type is an init failure', () => {
    const init = JSON.stringify({
      time: '2024-03-12T10:15:00.500Z',
      type: 'platform.initReport',
      record: {
        initializationType: 'on-demand',
        phase: 'init',
        status: 'error',
        errorType: 'Runtime.HandlerNotFound',
        metrics: { durationMs: 95.1 },
      },
    });
    const report = `REPORT RequestId: ${REQUEST_ID}\tDuration: 97.20 ms\tBilled Duration: 98 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\tInit Duration: 180.05 ms\tStatus: error\tError Type: Runtime.ImportModuleError`;
    const scan = scanLogs(lines(init, report));
    expect(kindsOf(scan)).toEqual(['init_error', 'init_error']);
    expect(scan.reports[0]?.initDurationMs).toBe(180.05);
  });

  it('does not read a healthy INIT_REPORT as a failure', () => {
    expect(scanLogs(lines('INIT_REPORT Init Duration: 180.05 ms\tPhase: init\tStatus: success')).signals).toEqual([]);
  });
});

describe('access denied', () => {
  it.each([
    [
      'Python botocore',
      '[ERROR] ClientError: An error occurred (AccessDeniedException) when calling the PutItem operation: User: arn:aws:sts::123456789012:assumed-role/orders-role/orders-fn is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders because no identity-based policy allows the dynamodb:PutItem action',
      'dynamodb:PutItem',
    ],
    [
      'Go SDK',
      'operation error SQS: SendMessage, https response error StatusCode: 400, RequestID: 6a1f, api error AccessDenied: User: arn:aws:sts::123456789012:assumed-role/r/f is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:123456789012:jobs',
      'sqs:sendmessage',
    ],
    ['S3', '[ERROR] ClientError: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied', undefined],
    ['KMS', 'Lambda was unable to decrypt the environment variables because KMS access was denied: KMSAccessDeniedException', undefined],
  ])('reads %s', (_case, message, subject) => {
    const signal = signalOf(message);
    expect(signal.kind).toBe('access_denied');
    expect(signal.subject).toBe(subject);
  });
});

describe('throttling', () => {
  it('reads the function itself being throttled', () => {
    expect(signalOf('TooManyRequestsException: Rate Exceeded. Reason: ReservedFunctionConcurrentInvocationLimitExceeded').kind).toBe(
      'throttled',
    );
  });

  it('reads another service throttling the function as a dependency failure', () => {
    expect(
      signalOf(
        '[ERROR] ProvisionedThroughputExceededException: An error occurred (ProvisionedThroughputExceededException) when calling the PutItem operation (reached max retries: 9): The level of configured provisioned throughput for the table was exceeded.',
      ).kind,
    ).toBe('downstream_throttled');
    expect(
      signalOf('An error occurred (ThrottlingException) when calling the GetParameter operation (reached max retries: 4): Rate exceeded')
        .kind,
    ).toBe('downstream_throttled');
  });
});

describe('failing dependencies', () => {
  it.each<[string, string, SignalKind]>([
    [
      'HTTP 503 from axios',
      `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tERROR\tAxiosError: Request failed with status code 503`,
      'downstream_http_error',
    ],
    ['502 Bad Gateway', 'upstream answered 502 Bad Gateway for POST /v1/charges', 'downstream_http_error'],
    [
      '.NET 503',
      'System.Net.Http.HttpRequestException: Response status code does not indicate success: 503 (Service Unavailable).',
      'downstream_http_error',
    ],
    ['ETIMEDOUT', `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tERROR\tError: connect ETIMEDOUT 10.0.3.12:5432`, 'downstream_timeout'],
    [
      'Python read timeout',
      "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.partner.example', port=443): Read timed out. (read timeout=5)",
      'downstream_timeout',
    ],
    ['Go i/o timeout', 'dial tcp 10.0.3.12:443: i/o timeout', 'downstream_timeout'],
    ['ECONNREFUSED', 'Error: connect ECONNREFUSED 127.0.0.1:6379', 'downstream_unavailable'],
    ['ECONNRESET', 'Error: read ECONNRESET', 'downstream_unavailable'],
    ['ServiceUnavailable', 'ServiceUnavailable: Service is unavailable. Please try again later.', 'downstream_unavailable'],
  ])('reads %s', (_case, message, kind) => {
    expect(signalOf(message).kind).toBe(kind);
  });

  it('names the HTTP status', () => {
    expect(signalOf('AxiosError: Request failed with status code 503').subject).toBe('503');
  });
});

describe('configuration errors', () => {
  it('reads a Python KeyError on os.environ as a missing variable, not a code error', () => {
    const signal = signalOf(
      `[ERROR] KeyError: 'TABLE_NAME'\nTraceback (most recent call last):\n  File "/var/task/app.py", line 6, in lambda_handler\n    table = dynamodb.Table(os.environ['TABLE_NAME'])\n  File "<frozen os>", line 714, in __getitem__`,
    );
    expect(signal).toMatchObject({ kind: 'missing_configuration', subject: 'TABLE_NAME' });
  });

  it.each([
    ['Node.js', 'Error: Missing required environment variable: QUEUE_URL', 'QUEUE_URL'],
    ['Go', 'environment variable PAYMENTS_API_URL is not set', 'PAYMENTS_API_URL'],
    ['name first', 'ORDERS_TABLE environment variable must be set', 'ORDERS_TABLE'],
  ])('reads a missing variable (%s)', (_case, message, name) => {
    expect(signalOf(message)).toMatchObject({ kind: 'missing_configuration', subject: name });
  });

  it('does not read a line that merely mentions a variable', () => {
    expect(scanLogs(lines('INFO loaded environment variable TABLE_NAME=orders')).signals).toEqual([]);
  });

  it.each([
    [
      'DynamoDB table',
      '[ERROR] ResourceNotFoundException: An error occurred (ResourceNotFoundException) when calling the GetItem operation: Requested resource not found',
    ],
    ['.NET', 'Amazon.DynamoDBv2.Model.ResourceNotFoundException: Requested resource not found'],
    ['unknown host', 'Error: getaddrinfo ENOTFOUND payments.internal.example'],
    ['Go lookup', 'dial tcp: lookup payments.internal.example on 169.254.78.1:53: no such host'],
    ['SDK endpoint', 'UnknownEndpoint: Inaccessible host: `dynamodb.us-east-7.amazonaws.com`'],
  ])('reads a wrong resource or endpoint (%s)', (_case, message) => {
    expect(signalOf(message).kind).toBe('missing_configuration');
  });

  it('names the host that does not resolve', () => {
    expect(signalOf('Error: getaddrinfo ENOTFOUND payments.internal.example').subject).toBe('payments.internal.example');
  });
});

describe('warnings and noise', () => {
  it.each([
    ['Node.js', `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tWARN\tDeprecated option useLegacyRetry will be removed`],
    ['Python', `[WARNING]\t2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tDeprecated option useLegacyRetry will be removed`],
    ['.NET', `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\twarn\tDeprecated option useLegacyRetry will be removed`],
    [
      'JSON',
      JSON.stringify({
        timestamp: '2024-03-12T10:15:03Z',
        level: 'WARN',
        requestId: REQUEST_ID,
        message: 'Deprecated option useLegacyRetry will be removed',
      }),
    ],
  ])('reads a %s WARN line as a low-value warning, without its timestamp or request ID', (_case, message) => {
    expect(signalOf(message)).toMatchObject({ kind: 'warning', detail: 'Deprecated option useLegacyRetry will be removed' });
  });

  it('ignores START, END, INIT_START and INFO lines', () => {
    const scan = scanLogs(
      lines(
        'INIT_START Runtime Version: nodejs:20.v22\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:da57c20c',
        `START RequestId: ${REQUEST_ID} Version: $LATEST`,
        `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tINFO\tprocessed 12 records`,
        JSON.stringify({ time: '2024-03-12T10:15:03Z', type: 'platform.start', record: { requestId: REQUEST_ID, version: '$LATEST' } }),
        `END RequestId: ${REQUEST_ID}`,
      ),
    );
    expect(scan.signals).toEqual([]);
    expect(scan.linesScanned).toBe(5);
  });
});

describe('grouping', () => {
  it('groups identical signals into one with a count and the first line as evidence', () => {
    const scan = scanLogs(
      lines(
        `2024-03-12T10:15:03.130Z aaaaaaaa-9f2b-4c6e-8a7d-2b1f0c9e8d7a Task timed out after 3.00 seconds`,
        `2024-03-12T10:16:03.130Z bbbbbbbb-9f2b-4c6e-8a7d-2b1f0c9e8d7a Task timed out after 3.00 seconds`,
        `2024-03-12T10:17:03.130Z cccccccc-9f2b-4c6e-8a7d-2b1f0c9e8d7a Task timed out after 3.00 seconds`,
      ),
    );
    expect(only(scan)).toMatchObject({ count: 3, timestamp: AT, line: expect.stringContaining('aaaaaaaa') });
  });

  it('keeps different details apart', () => {
    const scan = scanLogs(lines('Error: connect ECONNREFUSED 127.0.0.1:6379', 'Error: connect ECONNREFUSED 10.0.0.9:5432'));
    expect(scan.signals.map((signal) => signal.count)).toEqual([1, 1]);
  });

  it('truncates the evidence line', () => {
    const signal = signalOf(`[ERROR] ValueError: ${'x'.repeat(5000)}`);
    expect(signal.line.length).toBeLessThanOrEqual(300);
    expect(signal.detail.length).toBeLessThanOrEqual(160);
  });
});

describe('REPORT line parsing', () => {
  it('parses a classic REPORT line with Init Duration', () => {
    expect(
      parseReportLine(
        `REPORT RequestId: ${REQUEST_ID}\tDuration: 1021.77 ms\tBilled Duration: 1022 ms\tMemory Size: 1024 MB\tMax Memory Used: 210 MB\tInit Duration: 455.10 ms\t\nXRAY TraceId: 1-65f01a2b-3c4d5e6f7a8b9c0d1e2f3a4b\tSegmentId: 1a2b3c4d5e6f7a8b\tSampled: true`,
      ),
    ).toEqual({
      requestId: REQUEST_ID,
      durationMs: 1021.77,
      billedDurationMs: 1022,
      memorySizeMb: 1024,
      maxMemoryUsedMb: 210,
      initDurationMs: 455.1,
      status: null,
      errorType: null,
    });
  });

  it('rejects a line that is no REPORT', () => {
    expect(parseReportLine(`START RequestId: ${REQUEST_ID} Version: $LATEST`)).toBeNull();
  });

  it('parses INIT_REPORT fields', () => {
    expect(
      parseInitReportLine('INIT_REPORT Init Duration: 10004.13 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ExitError'),
    ).toEqual({
      initDurationMs: 10004.13,
      phase: 'invoke',
      status: 'error',
      errorType: 'Runtime.ExitError',
    });
  });
});

describe('speed', () => {
  it('scans 10,000 mixed lines quickly', () => {
    const sample = [
      `START RequestId: ${REQUEST_ID} Version: $LATEST`,
      `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tINFO\tprocessed 12 records for customer 991`,
      `2024-03-12T10:15:03.456Z\t${REQUEST_ID}\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"x is not a function","stack":["TypeError: x is not a function"]}`,
      `REPORT RequestId: ${REQUEST_ID}\tDuration: 1021.77 ms\tBilled Duration: 1022 ms\tMemory Size: 1024 MB\tMax Memory Used: 210 MB`,
      `a.${'b.'.repeat(2000)}c`,
    ];
    const many = Array.from({ length: 10_000 }, (_, index) => ({ timestamp: index, message: sample[index % sample.length]! }));
    const started = performance.now();
    const scan = scanLogs(many);
    const elapsed = performance.now() - started;
    expect(scan.linesScanned).toBe(10_000);
    expect(scan.reports).toHaveLength(2_000);
    expect(elapsed).toBeLessThan(1_000);
  });
});
