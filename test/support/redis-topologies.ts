import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './throwaway-redis.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';

/** A certificate authority of the test's own and a server certificate it signed for 127.0.0.1 and localhost. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

function makeTlsFiles(dir: string): TlsFiles {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    '1',
    '-subj',
    '/CN=promptrca test CA',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.crt'),
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
  );
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}

async function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export interface TopologyOptions {
  /** Serve TLS only (rediss://), with a certificate of a CA made for the test. */
  tls?: boolean;
}

/**
 * redis-server processes of the test's own (a TLS server with a password, a 3-node cluster, a master
 * with a sentinel), on free loopback ports, with a password of their own. remove() stops every process
 * and deletes the temporary folder.
 */
export class RedisTopology {
  readonly password = `pw-${randomBytes(12).toString('hex')}`;
  readonly dir = mkdtempSync(join(tmpdir(), 'promptrca-topology-'));
  readonly tls: TlsFiles | null;
  private readonly processes: ChildProcess[] = [];

  constructor(options: TopologyOptions = {}) {
    this.tls = options.tls ? makeTlsFiles(this.dir) : null;
  }

  private get scheme(): string {
    return this.tls ? 'rediss' : 'redis';
  }

  /** The environment a spawned process needs to trust the test's CA. */
  get clientEnv(): NodeJS.ProcessEnv {
    return this.tls ? { NODE_EXTRA_CA_CERTS: this.tls.ca } : {};
  }

  urlOf(port: number): string {
    return `${this.scheme}://:${this.password}@127.0.0.1:${port}`;
  }

  private tlsArgs(port: number): string[] {
    if (!this.tls) return ['--port', String(port)];
    return [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      this.tls.cert,
      '--tls-key-file',
      this.tls.key,
      '--tls-ca-cert-file',
      this.tls.ca,
      '--tls-auth-clients',
      'no',
    ];
  }

  private cliArgs(): string[] {
    return [...(this.tls ? ['--tls', '--cacert', this.tls.ca] : []), '--no-auth-warning', '-a', this.password];
  }

  private async spawnServer(name: string, port: number, args: string[]): Promise<void> {
    const dir = join(this.dir, name);
    mkdirSync(dir);
    const child = spawn(REDIS_SERVER, [...args, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.processes.push(child);
    await waitUntil(() => child.exitCode === null && acceptsConnections(port), `redis-server ${name} on port ${port}`);
  }

  /** One server with a password (over TLS when the topology is): its REDIS_URL. */
  async startServer(name = 'standalone'): Promise<{ port: number; url: string }> {
    const port = await freePort();
    await this.spawnServer(name, port, [...this.tlsArgs(port), '--requirepass', this.password, '--masterauth', this.password]);
    return { port, url: this.urlOf(port) };
  }

  /** Three cluster-enabled servers joined with `redis-cli --cluster create`: their seed list for REDIS_URL. */
  async startCluster(): Promise<string> {
    const ports: number[] = [];
    for (let node = 0; node < 3; node += 1) {
      const port = await freePort();
      const clusterPort = await freePort();
      const cluster = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(clusterPort)];
      await this.spawnServer(`node-${node}`, port, [
        ...this.tlsArgs(port),
        ...cluster,
        ...(this.tls ? ['--tls-cluster', 'yes', '--tls-replication', 'yes'] : []),
        '--requirepass',
        this.password,
        '--masterauth',
        this.password,
      ]);
      ports.push(port);
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    execFileSync(REDIS_CLI, [...this.cliArgs(), '--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], {
      stdio: 'ignore',
    });
    for (const port of ports) {
      await waitUntil(
        () =>
          execFileSync(REDIS_CLI, [...this.cliArgs(), '-p', String(port), 'cluster', 'info'])
            .toString()
            .includes('cluster_state:ok'),
        `cluster_state:ok on ${port}`,
      );
    }
    return ports.map((port) => this.urlOf(port)).join(',');
  }

  /**
   * A sentinel watching the master on `masterPort` under `name`: its URL. With `requirePassword`,
   * clients must give the sentinel the topology's password too.
   */
  async startSentinel(name: string, masterPort: number, requirePassword = false): Promise<string> {
    const port = await freePort();
    const config = join(this.dir, `sentinel-${port}.conf`);
    writeFileSync(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
        `sentinel auth-pass ${name} ${this.password}`,
        `sentinel down-after-milliseconds ${name} 5000`,
        ...(requirePassword ? [`requirepass ${this.password}`] : []),
        '',
      ].join('\n'),
    );
    const child = spawn(REDIS_SERVER, [config, '--sentinel'], { stdio: 'ignore' });
    this.processes.push(child);
    await waitUntil(() => child.exitCode === null && acceptsConnections(port), `redis sentinel on port ${port}`);
    return `redis://127.0.0.1:${port}`;
  }

  /**
   * A master watched by two sentinels under `name`: REDIS_URL for sentinel mode, each sentinel's URL
   * carrying the master's password (the sentinels' own too, with `requirePassword`).
   */
  async startSentinels(name: string, requirePassword = false): Promise<string> {
    const master = await this.startServer('master');
    const sentinels = [
      await this.startSentinel(name, master.port, requirePassword),
      await this.startSentinel(name, master.port, requirePassword),
    ];
    return sentinels.map((sentinel) => sentinel.replace('redis://', `redis://:${this.password}@`)).join(',');
  }

  async remove(): Promise<void> {
    await Promise.all(
      this.processes.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
