/**
 * Stand-in for the EC2 instance metadata service, IMDSv2 only: a session token from `PUT /latest/api/token` with
 * `X-aws-ec2-metadata-token-ttl-seconds` (1 to 21600 seconds), then GETs that carry it in `X-aws-ec2-metadata-token`;
 * a GET without a valid token gets 401 (IMDSv1 is off on the tier's instances).
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
 */
import * as crypto from 'crypto';
import * as http from 'http';
import * as net from 'net';
import { LOOPBACK } from '../../local/loopback';
import { Cleanup, cleanup } from '../../local/processes';

export interface FakeImdsOptions {
  readonly instanceId: string;
  readonly region?: string;
  /** Answer the first N token PUTs with 503, to exercise the scripts' retries. */
  readonly failFirstTokenPuts?: number;
  readonly registry?: Cleanup;
}

export interface FakeImds {
  /** Base URL, for WEBTIER_IMDS_ENDPOINT. */
  readonly url: string;
  readonly instanceId: string;
  readonly region: string;
  /** Token PUTs received, including the failed ones. */
  readonly tokenPuts: number;
  /** Metadata GETs refused with 401 for a missing or unknown token. */
  readonly refusedGets: number;
  stop(): Promise<void>;
}

/** One stand-in per instance, like the real link-local IMDS. */
export async function startFakeImds(opts: FakeImdsOptions): Promise<FakeImds> {
  const region = opts.region ?? 'eu-west-3';
  const metadata: Record<string, string> = {
    '/latest/meta-data/instance-id': opts.instanceId,
    '/latest/meta-data/placement/region': region,
    '/latest/meta-data/placement/availability-zone': `${region}a`,
  };
  const tokens = new Set<string>();
  const stats = { tokenPuts: 0, refusedGets: 0 };
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(body);
    };
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      stats.tokenPuts++;
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (stats.tokenPuts <= (opts.failFirstTokenPuts ?? 0)) return reply(503, 'simulated outage');
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return reply(400, 'missing or invalid token TTL');
      const token = crypto.randomBytes(24).toString('base64');
      tokens.add(token);
      return reply(200, token);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed');
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (typeof token !== 'string' || !tokens.has(token)) {
      stats.refusedGets++;
      return reply(401, 'Unauthorized');
    }
    const value = metadata[req.url ?? ''];
    return value === undefined ? reply(404, 'Not Found') : reply(200, value);
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const stop = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  (opts.registry ?? cleanup).add(stop);
  return {
    url: `http://${LOOPBACK}:${(server.address() as net.AddressInfo).port}`,
    instanceId: opts.instanceId,
    region,
    get tokenPuts() { return stats.tokenPuts; },
    get refusedGets() { return stats.refusedGets; },
    stop,
  };
}
