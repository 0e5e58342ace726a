import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../platform/log.js';
import { SimHttpError, SimRequestError } from '../errors.js';
import { parseChatRequest, type SimChatRequest } from './chat-request.js';
import { type SimReply, simulateReply } from './sim-policy.js';
import { type SimLimitOptions, SimRateLimits, type SimRefusal } from './sim-rate-limits.js';
import { countCompletionTokens, countPromptTokens } from './token-count.js';

export interface LlmSimOptions extends SimLimitOptions {
  /** 0 picks a free port. @defaultValue 0 */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Added to every chat completion, as a model's time to first token. @defaultValue 0 */
  latencyMs?: number;
  /** Added per completion token, as a model's generation speed. @defaultValue 0 */
  latencyPerTokenMs?: number;
}

/** Running totals since start; read them before and after a run to see what it cost. */
export interface LlmSimStats {
  /** Chat completions answered (HTTP 200). */
  completions: number;
  /** Requests refused with an error status. */
  rejected: number;
  /** Of those, refused with 429 for the `rpm` or `tpm` limit. */
  rate_limited: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface LlmSim {
  /** The OpenAI base URL, ending in /v1. */
  url: string;
  stats: LlmSimStats;
  close(): Promise<void>;
}

export const SIMULATOR_MODEL_ID = 'llm-sim';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SimHttpError(413, `request body over ${MAX_BODY_BYTES} bytes`, 'invalid_request_error');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new SimHttpError(400, `request body is not JSON: ${(error as Error).message}`, 'invalid_request_error');
  }
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...headers, 'content-type': 'application/json', 'x-llm-simulator': 'promptrca llm-sim' });
  response.end(JSON.stringify(body));
}

/** OpenAI's error body, so clients raise the same error classes they would against the real API. */
function sendError(response: ServerResponse, error: SimHttpError): void {
  send(
    response,
    error.status,
    { error: { message: error.message, type: error.type, param: error.param, code: error.extra.code ?? null } },
    error.extra.headers,
  );
}

/** OpenAI's 429: Retry-After in whole seconds (HTTP's), and to the millisecond as OpenAI's retry-after-ms. */
function rateLimitError(refusal: SimRefusal): SimHttpError {
  const wait = refusal.retryAfterMs;
  const headers: Record<string, string> =
    wait === null ? {} : { 'retry-after': String(Math.ceil(wait / 1000)), 'retry-after-ms': String(wait) };
  return new SimHttpError(429, refusal.message, refusal.type, null, { code: 'rate_limit_exceeded', headers });
}

function completionBody(request: SimChatRequest, reply: SimReply, id: number, usage: object): object {
  const toolCalls = reply.toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    id: `chatcmpl-llmsim-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    system_fingerprint: 'promptrca-llm-sim',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: toolCalls.length ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage,
  };
}

/**
 * A local OpenAI-compatible chat-completions endpoint that is a simulator, not a model: replies come
 * from a deterministic policy (sim-policy.ts), and `usage` is counted with the gpt-4o tokenizer
 * over the request as sent and the reply, so token figures of demos and load tests are real counts.
 */
export async function startLlmSim(options: LlmSimOptions = {}): Promise<LlmSim> {
  const latencyMs = options.latencyMs ?? 0;
  const latencyPerTokenMs = options.latencyPerTokenMs ?? 0;
  const stats: LlmSimStats = { completions: 0, rejected: 0, rate_limited: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  const limits = new SimRateLimits(options);

  async function chatCompletion(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let chat: SimChatRequest;
    try {
      chat = parseChatRequest(await readJson(request));
    } catch (error) {
      if (error instanceof SimRequestError) throw new SimHttpError(400, error.message, 'invalid_request_error', error.param);
      throw error;
    }
    const reply = simulateReply(chat);
    const promptTokens = countPromptTokens(chat);
    const completionTokens = countCompletionTokens(reply.content, reply.toolCalls);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    // Tokens are charged on arrival, the reply's included: the simulator knows it before it waits.
    const refusal = limits.admit(usage.total_tokens);
    if (refusal) {
      stats.rate_limited += 1;
      throw rateLimitError(refusal);
    }
    await sleep(latencyMs + latencyPerTokenMs * completionTokens);
    stats.completions += 1;
    stats.prompt_tokens += promptTokens;
    stats.completion_tokens += completionTokens;
    stats.total_tokens += usage.total_tokens;
    logger.debug('llm-sim completion', { ...usage, tool_calls: reply.toolCalls.length });
    send(response, 200, completionBody(chat, reply, stats.completions, usage));
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (request.method === 'POST' && path === '/v1/chat/completions') return chatCompletion(request, response);
    if (request.method === 'GET' && path === '/v1/models') {
      return send(response, 200, {
        object: 'list',
        data: [{ id: SIMULATOR_MODEL_ID, object: 'model', created: 0, owned_by: 'promptrca (a simulator, not a model)' }],
      });
    }
    throw new SimHttpError(
      404,
      `llm-sim serves GET /v1/models and POST /v1/chat/completions, not ${request.method} ${path}`,
      'invalid_request_error',
    );
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      stats.rejected += 1;
      sendError(response, error instanceof SimHttpError ? error : new SimHttpError(500, (error as Error).message, 'server_error'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/v1`,
    stats,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Clients keep connections alive; close() alone would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}
