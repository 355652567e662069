/**
 * The drill's web fleet on this machine: the load balancer stand-in (with the synthesized target group's settings)
 * in front of web instances, each the synthesized example's application under its unit stand-in, against a Redis
 * with AUTH. Shared by every scenario and by az-loss.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import { versionFolder, WebVersion } from './application-versions';
import { SynthesizedExample } from './synthesized-example';
import { InstanceEvent, WebInstance } from './web-instance';
import { freePort } from '../src/local/loopback';
import { Cleanup, tempDir } from '../src/local/processes';
import { LocalRedis } from '../src/stand-ins/elasticache/redis-server';
import { LoadBalancerStandIn } from '../src/stand-ins/load-balancing/load-balancer';
import { TargetState } from '../src/stand-ins/load-balancing/target-group';

/** The header the drill's own slow request names its target with (see `LoadBalancerStandInOptions.targetHeader`). */
export const TARGET_HEADER = 'x-drill-target';

/** An instance id shaped like EC2's (`i-` and 17 hex digits). */
export function newInstanceId(): string {
  return `i-0${crypto.randomBytes(8).toString('hex')}`;
}

export interface DrillFleetOptions {
  readonly example: SynthesizedExample;
  /** The Redis endpoint the web servers connect to (port) and its AUTH password. */
  readonly redis: { readonly port: number; readonly password: string };
  /** The Availability Zone of each server, by name. */
  readonly zoneOf: (name: string) => string;
  /** Milliseconds on the drill's clock, and `Date.now()` at its 0. */
  readonly now: () => number;
  readonly epoch: number;
  readonly registry: Cleanup;
  readonly onEvent?: (event: InstanceEvent) => void;
}

export class DrillFleet {
  /** The instances booted so far, by name. */
  public readonly servers = new Map<string, WebInstance>();
  /** The load balancer and its target group; each server is a target named by its drill name. */
  public readonly alb: LoadBalancerStandIn;
  private readonly dir: string;
  private readonly redis: LocalRedis;

  constructor(private readonly opts: DrillFleetOptions) {
    const { application, settings } = opts.example.fleet;
    this.dir = tempDir('drill', opts.registry);
    // The application runs as an unprivileged user where the unit's sandbox applies: it must read its folders.
    fs.chmodSync(this.dir, 0o755);
    this.redis = { port: opts.redis.port, authToken: opts.redis.password, description: 'AUTH, no TLS', stop: () => undefined };
    this.alb = new LoadBalancerStandIn(settings, application.healthCheckPath, { now: opts.now, targetHeader: TARGET_HEADER });
    opts.registry.add(() => this.alb.close());
  }

  /** Starts the load balancer's listener; resolves with the URL of the application's main page through it. */
  public async listen(): Promise<string> {
    const port = await this.alb.listen();
    return `http://127.0.0.1:${port}`;
  }

  /** The application's main page (the hello counter's). */
  public get mainPage(): string {
    return this.opts.example.fleet.application.pages?.[0] ?? '/';
  }

  /** Boots an instance of `version` (a new EC2 instance: new id), and waits until it answers. */
  public async boot(name: string, version: WebVersion = 'good', slowExtraSeconds = 0): Promise<WebInstance> {
    const { application } = this.opts.example.fleet;
    const folder = versionFolder(this.opts.example.fleet.asset.path, this.dir, application.healthCheckPath, version, slowExtraSeconds);
    const s = new WebInstance({
      name,
      instanceId: newInstanceId(),
      zone: this.opts.zoneOf(name),
      port: await freePort(),
      application: { ...application, directory: folder },
      version,
      redis: this.redis,
      workDir: this.dir,
      now: this.opts.now,
      epoch: this.opts.epoch,
      onEvent: this.opts.onEvent,
    });
    this.servers.set(name, s);
    this.opts.registry.add(() => s.stop());
    await s.start(10_000);
    return s;
  }

  /** Registers a booted server in the target group: a new target, or with `healthy` one of a fleet that has run for a while. */
  public register(name: string, healthy = false): void {
    const s = this.servers.get(name);
    if (!s) throw new Error(`no server ${name} booted`);
    this.alb.register(name, s.port, { zone: s.zone, healthy });
  }

  /** The target group's state of each of `names`. */
  public states(names: string[]): Record<string, TargetState> {
    return Object.fromEntries(names.map((name) => [name, this.alb.state(name)]));
  }

  /** Every pid the instances ran. */
  public pids(): number[] {
    return [...this.servers.values()].flatMap((s) => s.pids);
  }
}
