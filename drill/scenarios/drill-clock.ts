/**
 * The drill's waiting: sleeps and polls that an aborted scenario cuts short, each bounded by a deadline.
 */
/** setTimeout as a promise that rejects when `signal` aborts. */
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

/** Polls `condition` every 50 ms until it holds or the clock passes `deadlineMs`; returns whether it held. */
export async function until(condition: () => boolean, deadlineMs: number, now: () => number, signal?: AbortSignal): Promise<boolean> {
  while (now() < deadlineMs) {
    if (condition()) return true;
    await sleep(Math.min(50, deadlineMs - now()), signal);
  }
  return condition();
}
