import type { Redis } from 'ioredis';
import { connectRedis, type RedisTarget } from '../src/platform/redis-connection.js';

async function deleteOnNode(node: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    // A DEL per key, in one round trip: on a cluster the keys of one scan may live in different slots.
    if (keys.length > 0) await node.pipeline(keys.map((key) => ['del', key])).exec();
    cursor = next;
  } while (cursor !== '0');
}

/**
 * Deletes every key under `prefix` (a run's queues, whatever state they ended in), on a connection
 * of its own; on a cluster, on every master. A string is a standalone REDIS_URL.
 */
export async function deleteKeysUnder(target: RedisTarget | string, prefix: string): Promise<void> {
  const redis = await connectRedis(target, 'command');
  try {
    const nodes = 'nodes' in redis ? redis.nodes('master') : [redis];
    for (const node of nodes) await deleteOnNode(node, `${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}
