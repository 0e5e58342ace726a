import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubMessage {
  content?: string | null;
  tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
}

/** Either a completion (message and usage) or a raw HTTP answer (an error status, a Retry-After). */
export type StubAnswer =
  | { message: StubMessage; usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number } }
  | { status: number; headers?: Record<string, string>; body: unknown }
  | 'hang';

export interface StubRequest {
  model: string;
  messages: Array<{ role: string; content?: string | null; tool_calls?: StubMessage['tool_calls']; tool_call_id?: string }>;
  tools?: Array<{ function: { name: string } }>;
  [key: string]: unknown;
}

export interface OpenAiStubServer {
  url: string;
  /** Every chat-completions request body received, in order, failed attempts included. */
  requests: StubRequest[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * An OpenAI-compatible endpoint on 127.0.0.1 whose every answer the test decides, from the request
 * and its index: what a misbehaving model says, or how a rate-limited server answers.
 */
export async function startOpenAiStub(
  answer: (request: StubRequest, index: number) => StubAnswer | Promise<StubAnswer>,
): Promise<OpenAiStubServer> {
  const requests: StubRequest[] = [];
  const server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as StubRequest;
    const index = requests.push(body) - 1;
    const reply = await answer(body, index);
    if (reply === 'hang') return;
    if ('status' in reply) {
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(JSON.stringify(reply.body));
      return;
    }
    const usage = reply.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: `chatcmpl-stub-${index}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            finish_reason: reply.message.tool_calls ? 'tool_calls' : 'stop',
            message: { role: 'assistant', content: reply.message.content ?? null, tool_calls: reply.message.tool_calls },
          },
        ],
        usage: {
          prompt_tokens: usage.prompt_tokens,
          completion_tokens: usage.completion_tokens,
          total_tokens: usage.prompt_tokens + usage.completion_tokens,
          ...(usage.cached_tokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: usage.cached_tokens } }),
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function toolCall(id: string, name: string, args: unknown): NonNullable<StubMessage['tool_calls']>[number] {
  return { id, type: 'function', function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) } };
}
