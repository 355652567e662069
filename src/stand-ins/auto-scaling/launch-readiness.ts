/**
 * A new server's readiness as on AWS: the shipped `signal-ready.sh` asks `aws elbv2 describe-target-health` until the
 * target group reports the instance healthy, then signals CloudFormation. Here the `aws` it runs is a stand-in that
 * prints the target's state as the load balancer stand-in's target group has it, and records the signal.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetHealth.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html (the states)
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SignalResource.html
 */
import * as fs from 'fs';
import * as path from 'path';
import { installAssets } from '../../local/instance-home';
import { Cleanup, runScript, tempDir } from '../../local/processes';
import { startFakeImds } from '../ec2/instance-metadata-service';
import { TargetState } from '../load-balancing/target-group';

/** The ARN signal-ready.sh is given (the stand-in answers for the one target group there is). */
const TARGET_GROUP_ARN = 'arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/drill/0123456789abcdef';

export interface ReadinessOptions {
  /** The target group's state of a target, by the drill's server name. */
  readonly targetState: (server: string) => TargetState;
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
    fs.writeFileSync(path.join(this.bin, 'aws'), standInAws(this.statesFile, path.join(this.home, 'signals.jsonl')), { mode: 0o755 });
  }

  /** Which server of the target group stands for the instance. */
  public register(instanceId: string, server: string): void {
    this.servers[instanceId] = server;
  }

  private get statesFile(): string {
    return path.join(this.home, 'target-states.json');
  }

  /** Writes each registered instance's state where the stand-in `aws` reads it (atomically: a rename). */
  private writeStates(): void {
    const states = Object.fromEntries(Object.entries(this.servers).map(([id, server]) => [id, this.opts.targetState(server)]));
    fs.writeFileSync(`${this.statesFile}.new`, JSON.stringify(states));
    fs.renameSync(`${this.statesFile}.new`, this.statesFile);
  }

  /** Runs signal-ready.sh for the instance until it signals (at most `timeoutSeconds`). */
  public async signalReady(instanceId: string, webPort: number, timeoutSeconds: number): Promise<ReadinessSignal> {
    const imds = await startFakeImds({ instanceId, registry: this.opts.registry });
    this.writeStates();
    const publisher = setInterval(() => this.writeStates(), 50);
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
    }, (timeoutSeconds + 10) * 1000).finally(() => clearInterval(publisher));
    const signals = fs.existsSync(path.join(this.home, 'signals.jsonl'))
      ? fs.readFileSync(path.join(this.home, 'signals.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
    const mine = signals.filter((argv) => argv[argv.indexOf('--unique-id') + 1] === instanceId).pop();
    return { instanceId, status: mine ? mine[mine.indexOf('--status') + 1] : 'none', exitCode: result.code, output: result.stdout + result.stderr };
  }
}

/**
 * The stand-in `aws`: `elbv2 describe-target-health` prints the target's state (DescribeTargetHealth's names:
 * initial, healthy, unhealthy, draining, unused) from the file the drill keeps current; `cloudformation
 * signal-resource` records its argv.
 */
function standInAws(statesFile: string, signalsFile: string): string {
  return `#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
if (args[0] === 'cloudformation') {
  fs.appendFileSync(${JSON.stringify(signalsFile)}, JSON.stringify(args) + '\\n');
  process.exit(0);
}
if (args[0] !== 'elbv2') { process.stderr.write('stand-in aws: unexpected ' + args.join(' ') + '\\n'); process.exit(255); }
const id = /Id=([^,]+)/.exec(args[args.indexOf('--targets') + 1] || '');
const states = JSON.parse(fs.readFileSync(${JSON.stringify(statesFile)}, 'utf8'));
process.stdout.write(((id && states[id[1]]) || 'unused') + '\\n');
`;
}
