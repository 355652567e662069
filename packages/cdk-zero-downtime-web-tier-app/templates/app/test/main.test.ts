import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { App, FileSystem } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { WebTierStack } from '../src/main';

/** The web app the web servers run. */
const WEBAPP = path.join(__dirname, '..', 'webapp');

/**
 * The context of cdk.json (aws-cdk-lib's and the web tier's feature flags): the CDK CLI hands it to the app at
 * `cdk synth` and `cdk deploy`, so the tests synthesize with it too.
 */
const CONTEXT = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

describe('WebTierStack', () => {
  const app = new App({ context: CONTEXT });
  const stack = new WebTierStack(app, 'test');
  const template = Template.fromStack(stack);

  test('has one internet-facing Application Load Balancer listening on HTTP 80', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
  });

  test('has two Auto Scaling groups: three web servers behind the load balancer (two survive an AZ), and the bastion', () => {
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '3',
      TargetGroupARNs: Match.anyValue(),
    });
  });

  test('the web servers run the web app of webapp/: their launch template names its asset (the hash of its files)', () => {
    // The web servers' group is the one behind the load balancer; the bastion has a launch template of its own.
    const webServers = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup', {
      Properties: { TargetGroupARNs: Match.anyValue() },
    }));
    expect(webServers).toHaveLength(1);
    const launchTemplateId: string = webServers[0].Properties.LaunchTemplate.LaunchTemplateId.Ref;
    const userData = JSON.stringify(template.toJSON().Resources[launchTemplateId].Properties.LaunchTemplateData.UserData);

    // A change to any file of webapp/ changes this hash, hence the launch template: `cdk deploy` rolls the fleet.
    expect(userData).toContain(`${FileSystem.fingerprint(WEBAPP)}.zip`);
  });

  test('the load balancer checks the web app\'s health page, /healthz', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/healthz' });
  });

  test('spreads five subnet groups over three AZs, with a NAT gateway in each AZ', () => {
    template.resourceCountIs('AWS::EC2::Subnet', 15);
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('has a Redis replication group for the visit counter', () => {
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
  });
});

describe('the web app (webapp/)', () => {
  test('answers 200 on its health page, /healthz, without Redis', async () => {
    // GIVEN the web app started as the web servers start it, on a free port of this machine
    const server = spawn(process.execPath, ['server.js'], {
      cwd: WEBAPP,
      env: { ...process.env, PORT: '0', WEB_BIND: '127.0.0.1', INSTANCE_ID: 'i-0test' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const port = await listeningPort(server.stdout!);

      // WHEN
      const status = await getStatus(`http://127.0.0.1:${port}/healthz`);

      // THEN
      expect(status).toBe(200);
    } finally {
      server.kill();
    }
  }, 30_000);
});

// `npx cdk-zero-downtime-web-tier rehearse` boots webapp/ as the web servers do, behind a stand-in for the load
// balancer, against a local redis-server, and runs every scenario: steady load, a connection left idle for just under
// the load balancer's 60 s, a crash, a release, a request in flight through SIGTERM and a scale-in (about 65 s: the
// idle connection sets the pace, the other scenarios run beside it).
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis) {
  console.warn('SKIPPING the rehearsal of webapp/: it needs redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)');
}
describe('the web app, rehearsed before it ships', () => {
  (hasRedis ? test : test.skip)('loses no request in any scenario, with no finding', () => {
    // GIVEN the app synthesized into a cloud assembly of its own
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearse-'));
    try {
      const app = new App({ outdir, context: CONTEXT });
      new WebTierStack(app, 'rehearsal');
      app.synth();

      // WHEN
      const cli = path.join(path.dirname(require.resolve('cdk-zero-downtime-web-tier/package.json')), 'lib', 'rehearse', 'cli.js');
      const rehearsal = spawnSync(process.execPath, [cli, 'rehearse', '--app', outdir], { encoding: 'utf8', timeout: 150_000 });

      // THEN every scenario ran, each with 0 failed requests, and nothing is found (the report is in the diff otherwise)
      for (const scenario of ['steady', 'idle-connection', 'crash', 'release', 'scale-in']) {
        expect(rehearsal.stdout).toMatch(new RegExp(`^${scenario} +\\d+ +0 .*0 failed: met$`, 'm'));
      }
      // and a request that was still in flight when SIGTERM landed was answered
      expect(rehearsal.stdout).toMatch(/^sigterm +\d+ +0 .*0 failed: met \(in flight at SIGTERM: .+\)$/m);
      expect(rehearsal.stdout).toContain('No findings');
      expect(rehearsal.status).toBe(0);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 180_000);
});

/** The port the web app says it listens on (`webapp: i-0test on port 43210`); fails after 10 seconds. */
function listeningPort(stdout: NodeJS.ReadableStream): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the web app did not start within 10 s; it printed: ${output}`)), 10_000);
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = / on port (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
}

/** The HTTP status of one GET; fails after 5 seconds. */
function getStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: 5_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}
