/**
 * A new server's readiness as on AWS: the shipped `signal-ready.sh` asks `aws elbv2 describe-target-health` until the
 * target group reports the instance healthy, then signals CloudFormation. Here the `aws` it runs is a stand-in that
 * reads the target's state from HAProxy's admin socket, and records the signal.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cleanup, installAssets, runScript, startFakeImds, tempDir } from '../tools/local-servers';

/** The ARN signal-ready.sh is given (the stand-in answers for the one target group there is). */
const TARGET_GROUP_ARN = 'arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/drill/0123456789abcdef';

export interface ReadinessOptions {
  /** HAProxy's admin socket and backend: the target group. */
  readonly adminSocket: string;
  readonly backend: string;
  readonly registry: Cleanup;
}

export interface ReadinessSignal {
  readonly instanceId: string;
  /** SUCCESS or FAILURE, as signal-ready.sh sent it; "none" when it sent nothing. */
  readonly status: string;
  readonly exitCode: number | string;
  readonly output: string;
}

/**
 * Runs signal-ready.sh for instances: each gets its own stand-in IMDS; they share one stand-in `aws`.
 * `register(instanceId, serverName)` must be called before `signalReady` for that instance.
 */
export class Readiness {
  private readonly home: string;
  private readonly bin: string;
  private readonly servers: Record<string, string> = {};

  constructor(private readonly opts: ReadinessOptions) {
    this.home = tempDir('drill-ready', opts.registry);
    installAssets('web', this.home);
    this.bin = path.join(this.home, 'stand-in-bin');
    fs.mkdirSync(this.bin);
    fs.writeFileSync(path.join(this.bin, 'aws'), standInAws(opts.adminSocket, opts.backend, path.join(this.home, 'targets.json'),
      path.join(this.home, 'signals.jsonl')), { mode: 0o755 });
  }

  /** Which HAProxy server stands for the instance. */
  public register(instanceId: string, server: string): void {
    this.servers[instanceId] = server;
    fs.writeFileSync(path.join(this.home, 'targets.json'), JSON.stringify(this.servers));
  }

  /** Runs signal-ready.sh for the instance until it signals (at most `timeoutSeconds`). */
  public async signalReady(instanceId: string, webPort: number, timeoutSeconds: number): Promise<ReadinessSignal> {
    const imds = await startFakeImds({ instanceId, registry: this.opts.registry });
    const result = await runScript(path.join(this.home, 'signal-ready.sh'), {
      WEBTIER_HOME: this.home,
      WEBTIER_IMDS_ENDPOINT: imds.url,
      WEBTIER_STACK_NAME: 'ZeroDowntimeWebTierExample',
      WEBTIER_LOGICAL_ID: 'WebTierWebFleetASG',
      WEBTIER_TARGET_GROUP_ARN: TARGET_GROUP_ARN,
      WEBTIER_WEB_PORT: String(webPort),
      WEBTIER_READY_TIMEOUT: String(timeoutSeconds),
      WEBTIER_READY_POLL_SECONDS: '0.5',
      PATH: `${this.bin}:${process.env.PATH}`,
    }, (timeoutSeconds + 10) * 1000);
    const signals = fs.existsSync(path.join(this.home, 'signals.jsonl'))
      ? fs.readFileSync(path.join(this.home, 'signals.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
    const mine = signals.filter((argv) => argv[argv.indexOf('--unique-id') + 1] === instanceId).pop();
    return { instanceId, status: mine ? mine[mine.indexOf('--status') + 1] : 'none', exitCode: result.code, output: result.stdout + result.stderr };
  }
}

/**
 * The stand-in `aws`: `elbv2 describe-target-health` prints the target's state from HAProxy (UP: healthy; anything
 * else: initial, as for a target still passing its first checks); `cloudformation signal-resource` records its argv.
 */
function standInAws(adminSocket: string, backend: string, targetsFile: string, signalsFile: string): string {
  return `#!${process.execPath}
const fs = require('fs');
const net = require('net');
const args = process.argv.slice(2);
if (args[0] === 'cloudformation') {
  fs.appendFileSync(${JSON.stringify(signalsFile)}, JSON.stringify(args) + '\\n');
  process.exit(0);
}
if (args[0] !== 'elbv2') { process.stderr.write('stand-in aws: unexpected ' + args.join(' ') + '\\n'); process.exit(255); }
const id = /Id=([^,]+)/.exec(args[args.indexOf('--targets') + 1] || '');
const server = id && JSON.parse(fs.readFileSync(${JSON.stringify(targetsFile)}, 'utf8'))[id[1]];
const socket = net.connect(${JSON.stringify(adminSocket)});
let out = '';
socket.setTimeout(2000, () => socket.destroy());
socket.on('connect', () => socket.write('show stat\\n'));
socket.on('data', (c) => { out += c; });
socket.on('error', () => process.exit(255));
socket.on('close', () => {
  const lines = out.split('\\n');
  const header = (lines[0] || '').replace(/^# /, '').split(',');
  const row = lines.map((l) => l.split(',')).find((f) => f[header.indexOf('pxname')] === ${JSON.stringify(backend)} && f[header.indexOf('svname')] === server);
  const status = row ? row[header.indexOf('status')] : '';
  process.stdout.write((status === 'UP' || status.startsWith('UP ') ? 'healthy' : 'initial') + '\\n');
});
`;
}
