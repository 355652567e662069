/**
 * The drill's waiting: sleeps and polls that an aborted scenario cuts short, each bounded by a deadline.
 */
import { sleep } from '../../src/local/loopback';

export { sleep };

/** Polls `condition` every 50 ms until it holds or the clock passes `deadlineMs`; returns whether it held. */
export async function until(condition: () => boolean, deadlineMs: number, now: () => number, signal?: AbortSignal): Promise<boolean> {
  while (now() < deadlineMs) {
    if (condition()) return true;
    await sleep(Math.min(50, deadlineMs - now()), signal);
  }
  return condition();
}
