/**
 * `npm run burst`: bursts of simultaneous connections to one web server on this machine (a benchmark, not a test).
 *
 *   npx ts-node --project tsconfig.dev.json drill/burst.ts [--bursts N] [--connections N]
 *
 * Starts a Redis and one shipped web server (as systemd would: binding its own port), then sends `--bursts` times
 * `--connections` GET /cgi-bin/hello.py at once, each on its own connection, and prints the failures and the
 * latency percentiles with the date and the machine (nproc, CPU model), for the README.
 */
import * as fs from 'fs';
import * as os from 'os';
import { httpGet } from '../src/local/http-client';
import { startWebServer, webConfig } from '../src/local/instance-home';
import { freePort } from '../src/local/loopback';
import { Cleanup } from '../src/local/processes';
import { startRedis } from '../src/stand-ins/elasticache/redis-server';

export interface BurstResult {
  readonly connections: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** The value below which `p` of `sorted` lies (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** `connections` simultaneous GETs of `url`, each on a fresh connection. */
export async function burst(url: string, connections: number, timeoutMs = 30_000): Promise<BurstResult> {
  const results = await Promise.all(Array.from({ length: connections }, async () => {
    const started = process.hrtime.bigint();
    const status = await httpGet(url, { timeoutMs }).then((r) => r.status, () => 0);
    return { status, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }));
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    connections,
    failed: results.filter((r) => r.status !== 200).length,
    p50Ms: Math.round(percentile(ms, 0.5)),
    p99Ms: Math.round(percentile(ms, 0.99)),
    maxMs: Math.round(ms[ms.length - 1]),
  };
}

/** "nproc 2, Intel(R) Xeon(R) ..." */
export function machine(): string {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? os.cpus()[0]?.model;
  return `nproc ${os.availableParallelism()}, ${cpu ?? 'unknown CPU'}`;
}

async function main(argv: string[]): Promise<number> {
  const flag = (name: string, fallback: number) => {
    const i = argv.indexOf(name);
    const n = i < 0 ? fallback : Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`${name} needs a whole number from 1 to 1000, got ${argv[i + 1]}`);
    return n;
  };
  const bursts = flag('--bursts', 3);
  const connections = flag('--connections', 100);
  const registry = new Cleanup();
  try {
    const redis = await startRedis({ registry });
    const server = await startWebServer({ config: webConfig('i-0burst00000000001', await freePort(), redis), registry });
    const url = `${server.url}/cgi-bin/hello.py`;
    await burst(url, 5); // warm-up: imports, the Redis connection pool
    const results: BurstResult[] = [];
    for (let i = 0; i < bursts; i++) {
      results.push(await burst(url, connections));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    console.log(`${new Date().toISOString().slice(0, 10)}, ${machine()}`);
    for (const [i, r] of results.entries()) {
      console.log(`burst ${i + 1}: ${r.connections} simultaneous connections, ${r.failed} failed, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms`);
    }
    const all = results.reduce((sum, r) => sum + r.failed, 0);
    console.log(`total: ${bursts * connections} requests, ${all} failed, worst p99 ${Math.max(...results.map((r) => r.p99Ms))} ms`);
    return all === 0 ? 0 : 1;
  } finally {
    await registry.run();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    console.error((e as Error).message);
    process.exit(2);
  });
}
