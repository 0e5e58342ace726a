import { Agent, request } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricsPortError } from '../src/platform/errors.js';
import { type Health, startMetricsServer } from '../src/platform/metrics-server.js';

function serve(health: () => Health | Promise<Health>) {
  const registry = new Registry();
  const counter = new Counter({ name: 'test_things_total', help: 'things', registers: [registry] });
  return { counter, started: startMetricsServer({ registry, health, port: 0, host: '127.0.0.1' }) };
}

describe('metrics server', () => {
  it('serves /metrics from the registry and /healthz from the callback, 200 or 503', async () => {
    let healthy = true;
    const { counter, started } = serve(() => ({ healthy, state: healthy ? 'polling' : 'waiting_for_redis' }));
    const server = await started;
    try {
      counter.inc(3);
      const metrics = await fetch(`${server.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain('test_things_total 3');

      const ok = await fetch(`${server.url}/healthz`);
      expect([ok.status, await ok.json()]).toEqual([200, { healthy: true, state: 'polling' }]);
      healthy = false;
      const down = await fetch(`${server.url}/healthz`);
      expect([down.status, await down.json()]).toEqual([503, { healthy: false, state: 'waiting_for_redis' }]);

      // Readiness follows the callback; liveness does not (Redis away is no reason to restart).
      const notReady = await fetch(`${server.url}/readyz`);
      expect([notReady.status, await notReady.json()]).toEqual([503, { healthy: false, state: 'waiting_for_redis' }]);
      const alive = await fetch(`${server.url}/livez`);
      expect([alive.status, await alive.json()]).toEqual([200, { alive: true }]);

      expect((await fetch(`${server.url}/`)).status).toBe(404);
      expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it('answers /livez 200 whatever the readiness, and /readyz like its alias /healthz', async () => {
    let healthy = false;
    const server = await serve(() => ({ healthy, state: healthy ? 'running' : 'waiting_for_redis' })).started;
    try {
      const live = await fetch(`${server.url}/livez`);
      expect([live.status, await live.json()]).toEqual([200, { alive: true }]);
      const notReady = await fetch(`${server.url}/readyz`);
      expect([notReady.status, await notReady.json()]).toEqual([503, { healthy: false, state: 'waiting_for_redis' }]);
      healthy = true;
      for (const path of ['/readyz', '/healthz']) {
        const ready = await fetch(`${server.url}${path}`);
        expect([path, ready.status, await ready.json()]).toEqual([path, 200, { healthy: true, state: 'running' }]);
      }
    } finally {
      await server.close();
    }
  });

  it('answers 500 with the reason when the health callback throws', async () => {
    const server = await serve(() => {
      throw new Error('state unreadable');
    }).started;
    try {
      const answer = await fetch(`${server.url}/healthz`);
      expect([answer.status, await answer.text()]).toEqual([500, 'state unreadable\n']);
    } finally {
      await server.close();
    }
  });

  it('refuses a port in use with a message naming it and how to choose another (exit 2)', async () => {
    const first = await serve(() => ({ healthy: true })).started;
    try {
      const second = startMetricsServer({
        registry: new Registry(),
        health: () => ({ healthy: true }),
        port: first.port,
        host: '127.0.0.1',
      });
      await expect(second).rejects.toThrow(MetricsPortError);
      await expect(second).rejects.toThrow(
        `cannot serve metrics on 127.0.0.1:${first.port} (EADDRINUSE): choose another port with --metrics-port`,
      );
      expect(new MetricsPortError('x').exitCode).toBe(2);
    } finally {
      await first.close();
    }
  });

  it('closes even while a scraper holds a keep-alive connection', async () => {
    const server = await serve(() => ({ healthy: true })).started;
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request(`${server.url}/metrics`, { agent }, (response) => {
        response.resume();
        response.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    const closed = await Promise.race([server.close().then(() => 'closed'), new Promise((resolve) => setTimeout(resolve, 2_000, 'hung'))]);
    agent.destroy();
    expect(closed).toBe('closed');
  });
});
