import * as path from 'path';
import { FIXTURES, STARTER } from './rehearse-fixtures';
import { main } from '../../src/rehearse/cli';
import { describeWith } from '../runtime/harness';

describeWith(['redis-server'])('rehearse --repeat (a benchmark)', () => {
  async function repeated(dir: string, runs: number): Promise<{ code: number; output: string }> {
    const lines: string[] = [];
    const code = await main(['rehearse', '--dir', dir, '--start', 'exec node server.js', '--health', '/healthz', '--redis',
      '--scenarios', 'sigterm', '--repeat', String(runs)], l => lines.push(l), l => lines.push(l));
    return { code, output: lines.join('\n') };
  }

  test('reports the failed requests of every run: 0 in each for the starter', async () => {
    const { code, output } = await repeated(STARTER, 3);
    expect(output).toContain(': 3 runs, failed requests of each run');
    expect(output).toMatch(/^sigterm +0 0 0 {2}\(0 in all\)$/m);
    expect(output).toContain('runs not clean: 0 of 3');
    expect(code).toBe(0);
  }, 120_000);

  test('and 1 in each for an app that dies on SIGTERM, every run not clean', async () => {
    const { code, output } = await repeated(path.join(FIXTURES, 'sigterm-abrupt'), 2);
    expect(output).toMatch(/^sigterm +1 1 {2}\(2 in all\)$/m);
    expect(output).toContain('runs not clean: 2 of 2');
    expect(code).toBe(1);
  }, 120_000);
});
