/**
 * The runtime tests' own harness: the stand-in `aws` CLI the boot scripts call. Everything the drill or the
 * rehearsal also uses lives in `src/local/` (plumbing on 127.0.0.1) and `src/stand-ins/` (AWS and systemd);
 * it is re-exported here so that the tests have one import (`test/runtime/harness.ts`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cleanup, tempDir } from '../src/local/processes';

export * from '../src/local/http-client';
export * from '../src/local/instance-home';
export * from '../src/local/loopback';
export * from '../src/local/prerequisites';
export * from '../src/local/processes';
export * from '../src/stand-ins/ec2/instance-metadata-service';
export * from '../src/stand-ins/elasticache/endpoint-switch';
export { makeTlsFiles, readCounter, startRedis } from '../src/stand-ins/elasticache/redis-server';
export type { RedisOptions, RedisServer, TlsFiles } from '../src/stand-ins/elasticache/redis-server';
export { redisCommand } from '../src/stand-ins/elasticache/redis-command';
export type { RedisEndpoint } from '../src/stand-ins/elasticache/redis-command';

export interface FakeAws {
  /** Put this first on PATH. */
  readonly binDir: string;
  /** argv of every call so far, in order. */
  calls(): string[][];
}

export interface FakeAwsOptions {
  /** What `aws secretsmanager get-secret-value` prints. */
  readonly secret?: string;
  /** Fail (exit 255) the first N calls. */
  readonly failFirst?: number;
  /**
   * What successive `aws elbv2 describe-target-health` calls print (the target's state); the last one repeats.
   * @default ['healthy']
   */
  readonly targetStates?: string[];
  /**
   * What `aws autoscaling describe-auto-scaling-instances` prints (the instance's group name; `None` when it is in none).
   * @default 'web-asg'
   */
  readonly autoScalingGroup?: string;
  /** `aws cloudformation signal-resource` fails as CloudFormation does outside a wait for signals. */
  readonly refuseSignals?: boolean;
  readonly registry?: Cleanup;
}

/** An `aws` executable that records its argv and answers like the real one would for our two calls. */
export function fakeAws(opts: FakeAwsOptions = {}): FakeAws {
  const binDir = tempDir('fake-aws', opts.registry);
  const log = path.join(binDir, 'calls.jsonl');
  fs.writeFileSync(path.join(binDir, 'aws'), `#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
const n = fs.readFileSync(${JSON.stringify(log)}, 'utf8').trim().split('\\n').length;
if (n <= ${opts.failFirst ?? 0}) {
  process.stderr.write('stand-in aws: simulated failure\\n');
  process.exit(255);
}
const states = ${JSON.stringify(opts.targetStates ?? ['healthy'])};
if (args[0] === 'secretsmanager') process.stdout.write(${JSON.stringify(opts.secret ?? '')} + '\\n');
else if (args[0] === 'elbv2') {
  const asked = fs.readFileSync(${JSON.stringify(log)}, 'utf8').trim().split('\\n').filter((l) => l.startsWith('["elbv2"')).length;
  process.stdout.write(states[Math.min(asked, states.length) - 1] + '\\n');
}
else if (args[0] === 'cloudformation' && ${opts.refuseSignals ?? false}) {
  process.stderr.write('An error occurred (ValidationError) when calling the SignalResource operation: Resource is not in a state to receive signals\\n');
  process.exit(254);
}
else if (args[0] === 'cloudformation') process.stdout.write('');
else if (args[0] === 'autoscaling' && args[1] === 'describe-auto-scaling-instances') process.stdout.write(${JSON.stringify(opts.autoScalingGroup ?? 'web-asg')} + '\\n');
else if (args[0] === 'autoscaling') process.stdout.write('');
else process.stdout.write('{"AssociationId": "eipassoc-0123456789abcdef0"}\\n');
`, { mode: 0o755 });
  return {
    binDir,
    calls: () => fs.existsSync(log)
      ? fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[])
      : [],
  };
}
