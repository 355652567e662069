import { spawn } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { describeDrill } from './describe-drill';
import { alive } from '../../src/local/process-identity';
import { REPO_ROOT } from '../../tools/local-servers';
import { descendants } from '../local/process-tree';

describeDrill('the drill entry point', () => {
  test('on SIGTERM, it stops everything it started and exits with an error', async () => {
    // GIVEN: the drill running, with its load started
    const child = spawn(process.execPath, ['-r', 'ts-node/register', path.join(REPO_ROOT, 'drill', 'main.ts'), '--short', '--out', os.tmpdir()], {
      cwd: REPO_ROOT, env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json', TS_NODE_TRANSPILE_ONLY: 'true' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      for (let i = 0; i < 600 && !/load: /.test(output) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      expect(output).toMatch(/load: /);
      const started = descendants(child.pid!);
      expect(started.length).toBeGreaterThanOrEqual(4);

      // WHEN
      child.kill('SIGTERM');
      const code = await exited;

      // THEN
      expect(code).toBe(143);
      expect(output).toMatch(/SIGTERM: stopping the drill/);
      expect(started.filter(alive)).toEqual([]);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  }, 90_000);
});
