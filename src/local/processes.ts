/**
 * Processes started on this machine for the drill, the rehearsal's helpers and the runtime tests: a `Cleanup`
 * registry that stops them (also after a failure), temporary folders, tracked child processes and scripts run with
 * an exact environment. Everything still alive is SIGKILLed when this process exits.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** A LIFO list of things to stop. `cleanup.run()` from afterEach/afterAll stops them all, even after a failure. */
export class Cleanup {
  private readonly stops: Array<() => Promise<void>> = [];

  public add(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  public async run(): Promise<void> {
    const errors: unknown[] = [];
    for (let stop = this.stops.pop(); stop; stop = this.stops.pop()) {
      try {
        await stop();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}

/** The default registry: test files call `afterAll(() => cleanup.run())`. */
export const cleanup = new Cleanup();

export function tempDir(prefix: string, registry: Cleanup = cleanup): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `webtier-${prefix}-`));
  registry.add(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Proc {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** stdout + stderr so far (the last 64 KB). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly registry?: Cleanup;
}

export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions = {}): Proc {
  const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  let out = '';
  const collect = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-65_536);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    const finish = (result: number | string) => {
      done = true;
      liveChildren.delete(child);
      resolve(result);
    };
    child.once('exit', (code, signal) => finish(code ?? signal ?? 'unknown'));
    child.once('error', (err) => finish(`spawn error: ${err.message}`));
  });
  const stop = async (graceMs = 2000) => {
    if (done) return;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  (opts.registry ?? cleanup).add(() => stop());
  return { child, exited, hasExited: () => done, output: () => out, stop };
}

export interface ScriptResult {
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `bash file` with exactly `env` (plus a minimal PATH if none is given), killed after `timeoutMs`. */
export async function runScript(file: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ScriptResult> {
  const started = Date.now();
  const child = spawn('bash', [file], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | string>((resolve) => {
    child.once('close', (c, signal) => resolve(c ?? signal ?? 'unknown'));
    child.once('error', (err) => resolve(`spawn error: ${err.message}`));
  });
  clearTimeout(timer);
  liveChildren.delete(child);
  return { code, stdout, stderr, ms: Date.now() - started };
}
