import { Writable } from 'node:stream';
import winston from 'winston';

export interface CapturedLog {
  log: winston.Logger;
  /** Every log entry written so far, parsed from its JSON line. */
  entries: Array<{ level: string; message: string; [field: string]: unknown }>;
}

/** A logger whose JSON lines the test can read back, written as the product writes them. */
export function captureLog(): CapturedLog {
  const entries: CapturedLog['entries'] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) entries.push(JSON.parse(line));
      done();
    },
  });
  const log = winston.createLogger({
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { log, entries };
}
