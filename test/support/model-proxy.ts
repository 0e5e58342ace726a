import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelProxy {
  /** The OpenAI base URL of the proxy (ending in /v1). */
  url: string;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible endpoint in front of the model at `upstream` (llm-sim's URL, ending in /v1). Each request
 * is read in full, then handed to `intercept`, which either answers it itself (and returns true) or
 * lets it through to the model, when it likes.
 */
export async function startModelProxy(
  upstream: string,
  intercept: (response: ServerResponse) => boolean | Promise<boolean>,
): Promise<ModelProxy> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (await intercept(response)) return;
    const answer = await fetch(`${upstream}${request.url?.replace(/^\/v1/, '')}`, {
      method: request.method,
      headers: { 'content-type': 'application/json' },
      body: request.method === 'GET' ? undefined : Buffer.concat(chunks),
    });
    // A 429's wait goes through as the model said it.
    const retryAfter = ['retry-after', 'retry-after-ms'].flatMap((name) => {
      const value = answer.headers.get(name);
      return value === null ? [] : [[name, value] as const];
    });
    response.writeHead(answer.status, {
      ...Object.fromEntries(retryAfter),
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
