/**
 * The HTTP client of the local runs: one request on a fresh connection, bounded in time, and the hello page's fields.
 */
import * as http from 'http';

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly ms: number;
}

/** One request on a fresh connection; rejects after `timeoutMs` (default 5 s). */
export function httpGet(url: string, opts: { method?: string; timeoutMs?: number; headers?: http.OutgoingHttpHeaders } = {}): Promise<HttpResult> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), ms: Date.now() - started });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`${opts.method ?? 'GET'} ${url} timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** The count and instance id shown by hello.py. */
export function parseHello(body: string): { count: number; instanceId: string } {
  const count = /Counter: (\d+)/.exec(body);
  const id = /Id: ([^<\s]+)/.exec(body);
  if (!count || !id) throw new Error(`not a hello page: ${body}`);
  return { count: Number(count[1]), instanceId: id[1] };
}

/** Sends `total` GETs round-robin over `urls`, at most `concurrency` at a time (bounded by count and per-request timeout). */
export async function requestMany(urls: string[], total: number, concurrency = 4, timeoutMs = 5000): Promise<HttpResult[]> {
  const results: HttpResult[] = new Array(total);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      results[i] = await httpGet(urls[i % urls.length], { timeoutMs });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}
