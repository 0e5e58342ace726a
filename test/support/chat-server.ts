import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatReply {
  content: string;
  usage: { prompt_tokens: number; completion_tokens: number };
}

export interface ScriptedChatServer {
  url: string;
  /** Every chat-completions request body received, in order. */
  requests: Array<{ messages: Array<{ role: string; content: string }>; [key: string]: unknown }>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A minimal OpenAI-compatible endpoint on 127.0.0.1 that answers each chat completion with the
 * next scripted reply, so a test controls exactly what "the model" says and what it reports.
 */
export async function startScriptedChatServer(reply: (requestIndex: number) => ChatReply): Promise<ScriptedChatServer> {
  const requests: ScriptedChatServer['requests'] = [];
  const server: Server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request));
    const index = requests.push(body) - 1;
    const { content, usage } = reply(index);
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        id: `chatcmpl-${index}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
