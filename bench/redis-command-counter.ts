import { createConnection, createServer, type Server } from 'node:net';

/**
 * A TCP relay in front of a standalone Redis that counts the commands its clients send (RESP
 * arrays), so that one process's round trips can be told apart from everyone else's on a shared
 * Redis, and a script called once counts once (INFO commandstats also counts the commands it runs).
 * Plain TCP only: a TLS URL cannot be relayed this way.
 */
export class RedisCommandCounter {
  /** Commands sent through the relay so far, by name (`evalsha`, `hgetall` …). */
  readonly byName = new Map<string, number>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** A relay to `redisUrl` (redis://, standalone) on a free local port; null for any other URL. */
  static async start(redisUrl: string): Promise<RedisCommandCounter | null> {
    const target = new URL(redisUrl);
    if (target.protocol !== 'redis:' || redisUrl.includes(',')) return null;
    let counter: RedisCommandCounter | undefined;
    const server = createServer((client) => {
      const redis = createConnection({ host: target.hostname, port: Number(target.port || 6379) });
      let pending: Buffer = Buffer.alloc(0);
      client.on('data', (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        const { names, used } = commandNames(pending);
        for (const name of names) counter?.byName.set(name, (counter.byName.get(name) ?? 0) + 1);
        pending = pending.subarray(used);
        redis.write(chunk);
      });
      redis.pipe(client);
      const close = () => {
        client.destroy();
        redis.destroy();
      };
      client.on('error', close).on('close', close);
      redis.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const relayed = new URL(redisUrl);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(port);
    counter = new RedisCommandCounter(server, relayed.toString());
    return counter;
  }

  /** A copy of the counts so far. */
  snapshot(): Map<string, number> {
    return new Map(this.byName);
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The names of the whole RESP commands (`*N` then N bulk strings) at the start of `buffer`, and the bytes they take. */
function commandNames(buffer: Buffer): { names: string[]; used: number } {
  const names: string[] = [];
  let at = 0;
  for (;;) {
    const command = commandAt(buffer, at);
    if (command === null) return { names, used: at };
    names.push(command.name);
    at = command.end;
  }
}

function commandAt(buffer: Buffer, start: number): { name: string; end: number } | null {
  const header = lineAt(buffer, start);
  if (header === null) return null;
  // An inline command (no '*'): one line.
  if (buffer[start] !== 0x2a) return { name: header.text.split(' ')[0]!.toLowerCase(), end: header.next };
  let name = '';
  let at = header.next;
  for (let i = 0; i < Number(header.text.slice(1)); i += 1) {
    const length = lineAt(buffer, at);
    if (length === null) return null;
    const end = length.next + Number(length.text.slice(1));
    if (end + 2 > buffer.length) return null;
    if (i === 0) name = buffer.toString('latin1', length.next, end).toLowerCase();
    at = end + 2;
  }
  return { name, end: at };
}

function lineAt(buffer: Buffer, start: number): { text: string; next: number } | null {
  const end = buffer.indexOf('\r\n', start);
  return end === -1 ? null : { text: buffer.toString('latin1', start, end), next: end + 2 };
}
