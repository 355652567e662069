import * as http from 'http';

/** One client request: what the client got (a status, or the error that stood for one). */
export interface ClientResult {
  readonly at: number;
  readonly path: string;
  readonly status: number;
  readonly error?: string;
}

/**
 * Clients of the site: `rate` requests a second to the load balancer for `seconds` (at most `rate x seconds`
 * requests, each given 15 s), over keep-alive connections as browsers hold them, cycling through `pages`.
 * `during` runs while the load is on; the load goes on until both it and `seconds` are done (bounded by `maxSeconds`).
 */
export async function clientLoad(port: number, pages: string[], rate: number, seconds: number,
  during: () => Promise<void> = async () => undefined, maxSeconds = 180): Promise<ClientResult[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const results: Promise<ClientResult>[] = [];
  let busy = true;
  const event = during().finally(() => busy = false);
  const started = Date.now();
  const limit = Math.ceil(rate * maxSeconds);
  let sent = 0;
  while ((busy || Date.now() - started < seconds * 1000) && sent < limit) {
    results.push(get(agent, port, pages[sent % pages.length]));
    sent++;
    const nextAt = started + (sent * 1000) / rate;
    await new Promise(resolve => setTimeout(resolve, Math.max(0, nextAt - Date.now())));
  }
  await event;
  const all = await Promise.all(results);
  agent.destroy();
  return all;
}

function get(agent: http.Agent, port: number, path: string): Promise<ClientResult> {
  const at = Date.now();
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, timeout: 15_000 }, res => {
      res.resume();
      res.on('end', () => resolve({ at, path, status: res.statusCode ?? 0 }));
      res.on('error', error => resolve({ at, path, status: 0, error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', error => resolve({ at, path, status: 0, error: error.message }));
  });
}

/** Whether a client result is a failed request: no answer, or a 5xx. */
export function failed(result: { status: number }): boolean {
  return result.status === 0 || result.status >= 500;
}
