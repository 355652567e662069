import * as http from 'http';

/** One client request: what the client got (a status, or the error that stood for one). */
export interface ClientResult {
  readonly at: number;
  readonly path: string;
  readonly status: number;
  readonly error?: string;
}

/** The most requests waiting for an answer at once: past it, a request is not sent and counts as failed. */
export const MAX_OUTSTANDING = 64;
/** How long a request waits for its answer, from the moment it is sent (not from when it got a connection). */
export const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Clients of the site: `rate` requests a second to the load balancer for `seconds` (at most `rate x seconds`
 * requests, each given 15 s from the moment it is sent), over keep-alive connections as browsers hold them, cycling
 * through `pages`. Never more than `MAX_OUTSTANDING` wait at once: a server slower than the rate does not queue
 * requests without end (each one not sent is a failed request, its cause said). `during` runs while the load is on;
 * the load goes on until both it and `seconds` are done (bounded by `maxSeconds`).
 */
export async function clientLoad(port: number, pages: string[], rate: number, seconds: number,
  during: () => Promise<void> = async () => undefined, maxSeconds = 180, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ClientResult[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_OUTSTANDING });
  const results: Promise<ClientResult>[] = [];
  let busy = true;
  const event = during().finally(() => busy = false);
  const started = Date.now();
  const limit = Math.ceil(rate * maxSeconds);
  let sent = 0;
  let outstanding = 0;
  while ((busy || Date.now() - started < seconds * 1000) && sent < limit) {
    const page = pages[sent % pages.length];
    if (outstanding >= MAX_OUTSTANDING) {
      const error = `not sent: ${MAX_OUTSTANDING} requests already waiting for an answer (the server answers fewer than ${rate} a second)`;
      results.push(Promise.resolve({ at: Date.now(), path: page, status: 0, error }));
    } else {
      outstanding++;
      results.push(get(agent, port, page, timeoutMs).finally(() => outstanding--));
    }
    sent++;
    const nextAt = started + (sent * 1000) / rate;
    await new Promise(resolve => setTimeout(resolve, Math.max(0, nextAt - Date.now())));
  }
  await event;
  const all = await Promise.all(results);
  agent.destroy();
  return all;
}

function get(agent: http.Agent, port: number, path: string, timeoutMs: number): Promise<ClientResult> {
  const at = Date.now();
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, res => {
      res.resume();
      res.on('end', () => { clearTimeout(timer); resolve({ at, path, status: res.statusCode ?? 0 }); });
      res.on('error', error => { clearTimeout(timer); resolve({ at, path, status: 0, error: error.message }); });
    });
    // From the moment it is sent: a request waiting for a connection is waiting too.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on('error', error => { clearTimeout(timer); resolve({ at, path, status: 0, error: error.message }); });
  });
}

/** Whether a client result is a failed request: no answer, or a 5xx. */
export function failed(result: { status: number }): boolean {
  return result.status === 0 || result.status >= 500;
}
