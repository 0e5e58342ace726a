import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/**
 * Debian's chromium, headless, driven over the DevTools protocol on a pipe (fd 3 in, fd 4 out,
 * NUL-separated JSON): no WebSocket, no npm package, no browser download. Opens one page.
 */
export class HeadlessChromium {
  /** URLs the page asked the network for, to prove a page is self-contained. */
  readonly requests: string[] = [];
  private nextId = 0;
  private sessionId: string | undefined;
  private readonly pending = new Map<number, { resolve: (result: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private readonly waiters: Array<{ method: string; resolve: () => void }> = [];
  private readonly profile = mkdtempSync(join(tmpdir(), 'promptrca-chromium-'));
  private readonly child: ChildProcess;
  stderr = '';

  private constructor(width: number, height: number) {
    this.child = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${this.profile}`,
        `--window-size=${width},${height}`,
        '--remote-debugging-pipe',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    let buffered = '';
    (this.child.stdio[4] as Readable).on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf('\0')) >= 0) {
        this.receive(JSON.parse(buffered.slice(0, end)) as CdpMessage);
        buffered = buffered.slice(end + 1);
      }
    });
    this.child.once('exit', () => this.failPending(`chromium exited: ${this.stderr.slice(-2000)}`));
    this.child.once('error', (error) =>
      this.failPending(`cannot start ${CHROMIUM} (${error.message}): install Debian's chromium, as .ci/run does`),
    );
  }

  /** Starts Chromium, opens `url` and waits for its load event. */
  static async open(url: string, { width = 1000, height = 1000 } = {}): Promise<HeadlessChromium> {
    const browser = new HeadlessChromium(width, height);
    const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' }, false);
    const attached = await browser.send('Target.attachToTarget', { targetId, flatten: true }, false);
    browser.sessionId = attached.sessionId as string;
    await browser.send('Network.enable');
    await browser.send('Page.enable');
    const loaded = browser.next('Page.loadEventFired');
    await browser.send('Page.navigate', { url });
    await loaded;
    return browser;
  }

  /** Evaluates `expression` in the page and returns its value (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = (await this.send('Runtime.evaluate', { expression, returnByValue: true })) as {
      result: { value: T };
      exceptionDetails?: { text: string };
    };
    if (exceptionDetails) throw new Error(`page threw: ${exceptionDetails.text}`);
    return result.value;
  }

  /** A PNG of the given page area (CSS pixels, scale 1), scrolled into view or not. */
  async screenshot(clip: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { ...clip, scale: 1 } });
    return Buffer.from(data as string, 'base64');
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => (this.child.exitCode !== null ? resolve(null) : this.child.once('exit', resolve)));
    await this.send('Browser.close', {}, false).catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }

  private send(method: string, params: Record<string, unknown> = {}, onPage = true): Promise<Record<string, unknown>> {
    const id = (this.nextId += 1);
    const message = { id, method, params, ...(onPage ? { sessionId: this.sessionId } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      (this.child.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    });
  }

  private failPending(message: string): void {
    for (const { reject } of this.pending.values()) reject(new Error(message));
    this.pending.clear();
  }

  private next(method: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ method, resolve }));
  }

  private receive(message: CdpMessage): void {
    if (message.id !== undefined) {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiting?.reject(new Error(message.error.message));
      else waiting?.resolve(message.result ?? {});
      return;
    }
    if (message.method === 'Network.requestWillBeSent') {
      this.requests.push((message.params?.request as { url: string } | undefined)?.url ?? '(no url)');
    }
    const index = this.waiters.findIndex((waiter) => waiter.method === message.method);
    if (index >= 0) this.waiters.splice(index, 1)[0]?.resolve();
  }
}
