/**
 * Waiting and ports on 127.0.0.1: everything the local runs start listens on the loopback address only.
 */
import * as net from 'net';

export const LOOPBACK = '127.0.0.1';

/** Resolves after `ms` milliseconds (at once when negative); rejects at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error(`aborted: ${String(signal.reason)}`));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error(`aborted: ${String(signal?.reason)}`));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The ports `freePort` handed out in this process. */
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that nothing listens on now, and that this process has not been given before: a server
 * that restarts (a unit's `Restart=always`) binds its old port again, so that port must not go to a new server in
 * the meantime, which Linux may otherwise pick again for `listen(0)` once it is free.
 */
export function freePort(): Promise<number> {
  return unusedPort(kernelPort, handedOut);
}

/** The first port of `source` not in `used` (at most 50 tries), added to `used`. */
export async function unusedPort(source: () => Promise<number>, used: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await source();
    if (!used.has(port)) {
      used.add(port);
      return port;
    }
  }
  throw new Error(`no TCP port on ${LOOPBACK} that this process has not used already, after 50 tries`);
}

/** A port the kernel gives for `listen(0)` on 127.0.0.1, closed again. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 100 ms until it returns true; throws after `timeoutMs`, naming `what`. */
export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

/** Polls `probe` until it returns a value, at most `timeoutMs`; the last error is in the message. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; Date.now() < deadline && attempt < 1000; attempt++) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
