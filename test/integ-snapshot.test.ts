// The integration test (test/integ.web-tier.ts), offline: a fresh synthesis matches the committed snapshot, and
// the snapshot deploys the default tier and asserts what the README promises (tools/integ.ts explains the tooling).
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { SNAPSHOT_DIR, snapshotFiles, synthIntegApp } from '../tools/integ';

describe('integ.web-tier', () => {
  let fresh: Record<string, string>;
  const committed = snapshotFiles(SNAPSHOT_DIR);
  const template = (prefix: string) => JSON.parse(committed[Object.keys(committed).find(name => name.startsWith(prefix))!]);

  beforeAll(() => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-synth-'));
    try {
      synthIntegApp(outdir);
      fresh = snapshotFiles(outdir);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('a fresh synthesis matches the committed snapshot (after a change, run `npx projen integ:snapshot`)', () => {
    expect(Object.keys(fresh)).toEqual(Object.keys(committed));
    for (const name of Object.keys(committed)) {
      expect({ name, content: fresh[name] }).toEqual({ name, content: committed[name] });
    }
  });

  test('deploys the default tier: one load balancer, the web servers and the bastion, Redis, three NAT gateways', () => {
    const types = Object.values<{ Type: string }>(template('ZeroDowntimeWebTierInteg').Resources).map(r => r.Type);
    const count = (type: string) => types.filter(t => t === type).length;
    expect([count('AWS::ElasticLoadBalancingV2::LoadBalancer'), count('AWS::AutoScaling::AutoScalingGroup'),
      count('AWS::ElastiCache::ReplicationGroup'), count('AWS::EC2::NatGateway')]).toEqual([1, 2, 1, 3]);
  });

  test('waits for the hello page through the load balancer, then asserts a rising counter and two instances', () => {
    const resources = Object.values<{ Type: string; Properties: any }>(template('WebTierInteg').Resources);
    const httpCalls = resources.filter(r => r.Type === 'Custom::DeployAssert@HttpCall');
    const invoke = resources.filter(r => r.Type === 'Custom::DeployAssert@SdkCallLambdainvoke');
    expect([httpCalls.length, invoke.length]).toEqual([1, 1]);
    expect(JSON.stringify(httpCalls[0].Properties.parameters.url)).toContain('/cgi-bin/hello.py');
    expect(JSON.parse(httpCalls[0].Properties.expected)).toEqual({ $ObjectLike: { status: 200, body: { $StringLike: expect.stringContaining('Id: i-') } } });
    expect(httpCalls[0].Properties.stateMachineArn).toBeDefined();
    expect(JSON.parse(invoke[0].Properties.expected))
      .toEqual({ $ObjectLike: { Payload: { $SerializedJson: { counterRose: true, instanceIds: 2 } } } });
  });
});

/** The probe Lambda's code, as deployed (from the snapshot), run here against a stand-in hello page on loopback. */
async function runProbe(page: (visit: number) => string): Promise<Record<string, unknown>> {
  const snapshot = JSON.parse(snapshotFiles(SNAPSHOT_DIR)['ZeroDowntimeWebTierInteg.template.json']);
  const resources = Object.values<{ Type: string; Properties: any }>(snapshot.Resources);
  const code: string = resources.find(r => r.Type === 'AWS::Lambda::Function' && r.Properties.Code.ZipFile)!.Properties.Code.ZipFile;
  let visits = 0;
  const server = http.createServer((_req, res) => res.end(page(++visits)));
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const saved = process.env.HELLO_URL;
  try {
    process.env.HELLO_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/hello.py`;
    const module = { exports: {} as { handler: () => Promise<Record<string, unknown>> } };
    new Function('module', 'exports', code)(module, module.exports);
    return await module.exports.handler();
  } finally {
    process.env.HELLO_URL = saved;
    server.close();
  }
}

const hello = (counter: number, id: string) => `<html><body>\n<h1>Hello World!</h1>\n<p>Counter: ${counter}</p>\n<p>Id: ${id}</p>\n</body></html>\n`;

describe('the probe the integration test deploys', () => {
  test('with a counter that rises and two instances answering in turn, reports both', async () => {
    const result = await runProbe(visit => hello(visit, visit % 2 ? 'i-0aaaaaaaaaaaaaaaa' : 'i-0bbbbbbbbbbbbbbbb'));
    expect(result).toMatchObject({ counterRose: true, instanceIds: 2 });
  });

  test('with a counter that does not rise (no Redis INCR), reports it', async () => {
    const result = await runProbe(visit => hello(7, visit % 2 ? 'i-0aaaaaaaaaaaaaaaa' : 'i-0bbbbbbbbbbbbbbbb'));
    expect(result).toMatchObject({ counterRose: false, instanceIds: 2 });
  });

  test('with one instance answering, stops after its bounded number of calls and reports one', async () => {
    const result = await runProbe(visit => hello(visit, 'i-0aaaaaaaaaaaaaaaa'));
    expect(result).toMatchObject({ counterRose: true, instanceIds: 1 });
    expect((result.counters as number[]).length).toBe(20);
  });
});
