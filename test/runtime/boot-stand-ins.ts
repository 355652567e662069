/**
 * Stand-ins for what a web server's boot talks to on EC2, beyond IMDS (see harness.ts): the `aws` CLI (S3 download,
 * Secrets Manager, target health, the launch lifecycle action, signals), `systemctl` (runs the unit's ExecStart with its EnvironmentFile and
 * WorkingDirectory, output appended where the unit says), `dnf`/`pip3` (record and succeed) and the CloudWatch
 * agent's control script (records). Each records its argv as one JSON line in `calls.jsonl`.
 */
import * as fs from 'fs';
import * as path from 'path';
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
  /** What `aws secretsmanager get-secret-value` prints. */
  readonly secret: string;
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
} else if (args[0] === 'secretsmanager') process.stdout.write(${JSON.stringify(opts.secret)} + '\\n');
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
