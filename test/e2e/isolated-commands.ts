// The end-to-end tests' commands and files: each command runs as a user in a fresh shell would, bounded in time,
// and every process it starts ends with it.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** A command that runs longer has hung (they take seconds to about a minute): it fails, and all its processes end. */
export const COMMAND_TIMEOUT_MS = 5 * 60_000;

/**
 * Runs a command as a user in a fresh shell would (`isolatedEnv`, its AWS files under `isolationDir`); rejects with
 * the end of its output when it fails or hangs. A hung command is killed with
 * every process it started (its process group), so nothing outlives the test or its temporary folder.
 */
export function runIsolated(command: string, args: string[], cwd: string, isolationDir: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: isolatedEnv(isolationDir), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (data: string) => stdout += data);
    child.stderr!.setEncoding('utf8').on('data', (data: string) => stderr += data);
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      killGroup(child);
    }, COMMAND_TIMEOUT_MS);
    child.on('error', error => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ stdout, stderr });
        return;
      }
      const tail = (text: string) => text.split('\n').slice(-40).join('\n');
      const why = hung ? `hung: killed after ${COMMAND_TIMEOUT_MS / 60_000} minutes` : signal ?? `exit ${code}`;
      reject(new Error(`\`${command} ${args.join(' ')}\` in ${cwd} failed (${why}):\n${tail(stdout)}\n${tail(stderr)}`));
    });
  });
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/**
 * The environment of a user in a fresh shell: not this repository's npm/projen/jest run (no `npm_*`, no local
 * `node_modules/.bin` on the PATH, no CI, which would make projen install with `npm ci`), no AWS credentials,
 * and nothing that makes the CDK CLI reach a network.
 */
function isolatedEnv(isolationDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|JEST_|AWS_|CDK_|PROJEN_)|^(CI|INIT_CWD|NODE_ENV)$/i.test(key)) {
      env[key] = value;
    }
  }
  const binDir = `${path.sep}node_modules${path.sep}.bin`;
  env.PATH = (process.env.PATH ?? '').split(path.delimiter).filter(dir => !dir.includes(binDir)).join(path.delimiter);
  return {
    ...env,
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    AWS_CONFIG_FILE: path.join(isolationDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(isolationDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

/** Files under `dir`, relative to it, with `/` separators. */
export function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
    ? listFiles(path.join(dir, entry.name)).map(file => `${entry.name}/${file}`)
    : [entry.name]);
}

export function resourceCounts(templateFile: string): Record<string, number> {
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  const counts: Record<string, number> = {};
  for (const resource of Object.values<{ Type: string }>(template.Resources)) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}

export function read(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

export function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, undefined, 2)}\n`);
}

/** `^2.258.0` -> `2.258.0` */
export function floor(range: string): string {
  const match = /\d+\.\d+\.\d+/.exec(range);
  if (!match) {
    throw new Error(`expected a version range such as ^2.258.0 in package.json, got ${range}`);
  }
  return match[0];
}
