/**
 * Stand-ins for what a web server's boot talks to on EC2, beyond IMDS (see harness.ts): the `aws` CLI (S3 download,
 * Secrets Manager, target health, the launch lifecycle action, signals), `systemctl` (runs the unit's ExecStart with its EnvironmentFile and
 * WorkingDirectory, output appended where the unit says), `dnf`/`pip3` (record and succeed) and the CloudWatch
 * agent's control script (records). Each records its argv as one JSON line in `calls.jsonl`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Cleanup, tempDir } from './harness';

export interface BootStandIns {
  /** Put first on PATH. */
  readonly binDir: string;
  /** A folder laid out like /opt/aws/amazon-cloudwatch-agent, for WEBTIER_CWAGENT_DIR. */
  readonly cwAgentDir: string;
  /** argv of every call so far, the command name first. */
  calls(): string[][];
  /** Stops what the stand-in systemctl started (the whole process group). */
  stopServices(): Promise<void>;
}

export interface BootStandInsOptions {
  /** What `aws s3 cp s3://BUCKET/KEY DEST` copies, by KEY. */
  readonly s3Objects: Record<string, string>;
  /** What `aws secretsmanager get-secret-value` prints for any secret id, unless `secrets` is given. */
  readonly secret: string;
  /**
   * Secrets Manager as the web role sees it: each readable secret's `SecretString` by ARN. With it, any other
   * secret id is refused as AWS refuses a secret the role may not read (AccessDeniedException, exit 254).
   */
  readonly secrets?: Record<string, string>;
  /** SSM parameters by name or ARN, for `aws ssm get-parameters`; any other is answered as AWS does (InvalidParameters). */
  readonly parameters?: Record<string, string>;
  readonly registry: Cleanup;
}

/** Binds argv[1] (`[host:]port`), puts the listening socket on fd 3 and execs argv[2:] with LISTEN_FDS/LISTEN_PID. */
const PASS_SOCKET = [
  'import os, socket, sys',
  'host, _, port = sys.argv[1].rpartition(":")',
  's = socket.socket()',
  's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
  's.bind((host or "0.0.0.0", int(port)))',
  's.listen(1024)',
  'if s.fileno() != 3: os.dup2(s.fileno(), 3)',
  'os.set_inheritable(3, True)',
  'os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))',
  'os.execvp(sys.argv[2], sys.argv[2:])',
].join('\n');

export function bootStandIns(opts: BootStandInsOptions): BootStandIns {
  const dir = tempDir('boot-stand-ins', opts.registry);
  const binDir = path.join(dir, 'bin');
  const cwAgentDir = path.join(dir, 'amazon-cloudwatch-agent');
  const log = path.join(dir, 'calls.jsonl');
  const pids = path.join(dir, 'service.pids');
  fs.mkdirSync(binDir);
  fs.mkdirSync(path.join(cwAgentDir, 'bin'), { recursive: true });
  const record = (name: string) => `fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify([${JSON.stringify(name)}, ...args]) + '\\n');`;
  const node = (file: string, name: string, body: string) => fs.writeFileSync(file,
    `#!${process.execPath}\nconst fs = require('fs');\nconst args = process.argv.slice(2);\n${record(name)}\n${body}\n`, { mode: 0o755 });

  node(path.join(binDir, 'aws'), 'aws', `
const objects = ${JSON.stringify(opts.s3Objects)};
if (args[0] === 's3' && args[1] === 'cp') {
  const key = /^s3:\\/\\/[^/]+\\/(.+)$/.exec(args[args.length - 2]);
  if (!key || !objects[key[1]]) { process.stderr.write('stand-in aws: NoSuchKey ' + args[args.length - 2] + '\\n'); process.exit(1); }
  fs.copyFileSync(objects[key[1]], args[args.length - 1]);
} else if (args[0] === 'secretsmanager') {
  const secrets = ${JSON.stringify(opts.secrets ?? null)};
  const id = args[args.indexOf('--secret-id') + 1];
  const value = secrets === null ? ${JSON.stringify(opts.secret)} : secrets[id];
  if (value === undefined) {
    process.stderr.write('An error occurred (AccessDeniedException) when calling the GetSecretValue operation: not authorized on ' + id + '\\n');
    process.exit(254);
  }
  process.stdout.write((args[args.indexOf('--output') + 1] === 'json' ? JSON.stringify(value) : value) + '\\n');
} else if (args[0] === 'ssm' && args[1] === 'get-parameters') {
  // GetParameters answers an unknown or unreadable name in InvalidParameters, with exit 0: the query reads null.
  const value = (${JSON.stringify(opts.parameters ?? {})})[args[args.indexOf('--names') + 1]];
  process.stdout.write((value === undefined ? 'null' : JSON.stringify(value)) + '\\n');
}
else if (args[0] === 'elbv2') process.stdout.write('healthy\\n');
else if (args[0] === 'autoscaling') process.stdout.write(args[1] === 'describe-auto-scaling-instances' ? 'web-asg\\n' : '');
else if (args[0] !== 'cloudformation') { process.stderr.write('stand-in aws: unexpected call\\n'); process.exit(2); }`);
  for (const name of ['dnf', 'pip3']) node(path.join(binDir, name), name, '');
  node(path.join(cwAgentDir, 'bin', 'amazon-cloudwatch-agent-ctl'), 'amazon-cloudwatch-agent-ctl', '');

  // systemctl: `enable --now webtier` starts the unit as systemd would read it (plus its drop-ins), in its own group.
  fs.writeFileSync(path.join(binDir, 'systemctl'), `#!/usr/bin/env bash
set -euo pipefail
printf '%s\\n' "$(${JSON.stringify(process.execPath)} -e 'console.log(JSON.stringify(["systemctl", ...process.argv.slice(1)]))' -- "$@")" >>${JSON.stringify(log)}
[ "$1" = enable ] || exit 0
unit="$WEBTIER_UNIT_DIR/\${*: -1}.service"
# With a .socket unit, listen as systemd would and pass the socket as fd 3 (LISTEN_FDS=1, LISTEN_PID).
socket_unit=""
for arg in "$@"; do case "$arg" in *.socket) socket_unit="$WEBTIER_UNIT_DIR/$arg" ;; esac; done
units=("$unit")
if [ -d "$unit.d" ]; then units+=("$unit.d"/*.conf); fi
get() { sed -n "s/^$1=//p" "\${units[@]}" | tail -n 1; }
out=$(get StandardOutput); out="\${out#append:}"; out="\${out:-${dir}/service.out}"
env_file=$(get EnvironmentFile); work_dir=$(get WorkingDirectory); exec_start=$(get ExecStart)
mkdir -p "$(dirname "$out")"
(
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
  cd "$work_dir"
  if [ -z "$socket_unit" ]; then
    # shellcheck disable=SC2086
    exec setsid $exec_start
  fi
  listen=$(sed -n 's/^ListenStream=//p' "$socket_unit")
  # shellcheck disable=SC2086
  exec setsid python3 -c '${PASS_SOCKET}' "$listen" $exec_start
) </dev/null >>"$out" 2>&1 &
echo "$!" >>${JSON.stringify(pids)}
`, { mode: 0o755 });

  const calls = () => fs.existsSync(log)
    ? fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[])
    : [];
  const stopServices = async () => {
    if (!fs.existsSync(pids)) return;
    for (const pid of fs.readFileSync(pids, 'utf8').trim().split('\n').map(Number)) {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        try {
          process.kill(-pid, signal);
        } catch {
          break; // gone
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    fs.rmSync(pids);
  };
  opts.registry.add(stopServices);
  return { binDir, cwAgentDir, calls, stopServices };
}

/** Zips each file asset the stack's asset manifest lists, as cdk-assets would before upload: by object key. */
export function zippedAssets(outdir: string, stack: Stack, registry: Cleanup): Record<string, string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, `${stack.artifactId}.assets.json`), 'utf8'));
  const zips = tempDir('asset-zips', registry);
  const objects: Record<string, string> = {};
  for (const [hash, file] of Object.entries<any>(manifest.files)) {
    if (file.source.packaging !== 'zip') continue;
    const zip = path.join(zips, `${hash}.zip`);
    const r = spawnSync('zip', ['-q', '-r', '-X', zip, '.'], { cwd: path.join(outdir, file.source.path), encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`zip failed: ${r.stderr}`);
    for (const destination of Object.values<any>(file.destinations)) objects[destination.objectKey] = zip;
  }
  return objects;
}

/**
 * A CloudFormation value as CloudFormation computes it at deploy time, for the intrinsics the tier's user-data uses:
 * `Ref` and `Fn::GetAtt` from `refs` (else a placeholder naming them), `Fn::Join`, `Fn::Sub` (string form),
 * `Fn::Select`, `Fn::Split` and `Fn::Base64`.
 */
export function deployedValue(value: unknown, refs: Record<string, string>): string {
  const list = (v: unknown): string[] => {
    const o = v as any;
    if (Array.isArray(o)) return o.map((item) => deployedValue(item, refs));
    if (o && o['Fn::Split']) return deployedValue(o['Fn::Split'][1], refs).split(o['Fn::Split'][0]);
    throw new Error(`not a list: ${JSON.stringify(v)}`);
  };
  if (typeof value === 'string') return value;
  const o = value as any;
  if (o.Ref !== undefined) return refs[o.Ref] ?? `ref-${o.Ref}`;
  if (o['Fn::GetAtt']) return refs[o['Fn::GetAtt'].join('.')] ?? `getatt-${o['Fn::GetAtt'].join('.')}`;
  if (o['Fn::Join']) return list(o['Fn::Join'][1]).join(o['Fn::Join'][0]);
  if (o['Fn::Select']) return list(o['Fn::Select'][1])[Number(o['Fn::Select'][0])];
  if (typeof o['Fn::Sub'] === 'string') return o['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_: string, name: string) => refs[name] ?? `sub-${name}`);
  if (o['Fn::Base64'] !== undefined) return Buffer.from(deployedValue(o['Fn::Base64'], refs), 'utf8').toString('base64');
  throw new Error(`an intrinsic this evaluator does not know: ${JSON.stringify(value)}`);
}
