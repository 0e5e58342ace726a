import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { errorMessage, MetricsPortError } from './errors.js';

/** What `/healthz` and `/readyz` answer: 200 when `healthy`, 503 otherwise; the rest is shown as it is. */
export interface Health {
  healthy: boolean;
  [detail: string]: unknown;
}

export interface MetricsServerOptions {
  registry: Registry;
  /** Readiness: `/readyz` and `/healthz`. `/livez` answers 200 whenever the process can answer at all. */
  health: () => Health | Promise<Health>;
  /** 0 picks a free port (the product's default is PROMPTRCA_METRICS_PORT, 9464). */
  port: number;
  /** The product's default is PROMPTRCA_METRICS_HOST, 127.0.0.1: containers and pods set 0.0.0.0. */
  host: string;
}

export interface MetricsServer {
  readonly port: number;
  /** http://host:port, for the start log line. */
  readonly url: string;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType });
  response.end(body);
}

const ENDPOINTS = 'only GET /metrics, /livez, /readyz and /healthz\n';

async function answer(request: IncomingMessage, response: ServerResponse, options: MetricsServerOptions): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain', ENDPOINTS);
    return;
  }
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path === '/metrics') {
    send(response, 200, options.registry.contentType, await options.registry.metrics());
  } else if (path === '/livez') {
    // Alive even while Redis is away, so that an orchestrator does not restart a process for someone else's outage.
    send(response, 200, 'application/json', '{"alive":true}\n');
  } else if (path === '/healthz' || path === '/readyz') {
    const health = await options.health();
    send(response, health.healthy ? 200 : 503, 'application/json', `${JSON.stringify(health)}\n`);
  } else {
    send(response, 404, 'text/plain', ENDPOINTS);
  }
}

/**
 * `/metrics` from a prom-client registry, `/readyz` (and its older name `/healthz`) from a callback,
 * and `/livez`, for Prometheus and probes.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    answer(request, response, options).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, 'text/plain', `${errorMessage(error)}\n`);
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new MetricsPortError(
          `cannot serve metrics on ${options.host}:${options.port} (${error.code ?? errorMessage(error)}): ` +
            'choose another port with --metrics-port or PROMPTRCA_METRICS_PORT (0 picks a free one)',
        ),
      );
    });
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps its scrape connection open; without this, close() would wait for it.
        server.closeAllConnections();
      }),
  };
}
