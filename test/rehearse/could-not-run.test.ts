import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { STARTER } from './rehearse-fixtures';
import { main } from '../../src/rehearse/cli';

describe('rehearse could not run', () => {
  test('with --redis but without redis-server on the PATH: one line naming what to install, exit 2', () => {
    // In a process of its own: jest's process.env is not the one child_process reads.
    const cli = path.join(__dirname, '..', '..', 'src', 'rehearse', 'cli.ts');
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', cli, 'rehearse', '--dir', STARTER, '--start', 'node server.js', '--redis'], {
      encoding: 'utf8', timeout: 60_000, env: { PATH: fs.mkdtempSync(path.join(os.tmpdir(), 'empty-path-')) },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^rehearse: redis-server is missing: install redis-server \(Debian\/Ubuntu: apt-get install redis-server/)]);
  }, 60_000);

  test.each([
    [['rehearse', '--app', '/nonexistent/cdk.out'], /not a cloud assembly/],
    [['rehearse', '--dir', __dirname], /--dir needs --start/],
    [['rehearse', '--dir', __dirname, '--start', 'node x.js', '--port', '80'], /--port 80: must be a whole number from 1024 to 65535/],
    [['rehearse', '--scenarios', 'steady,flood'], /unknown flood/],
    [['deploy'], /usage:/],
    [['rehearse', '--dir', __dirname, '--start', 'node x.js', '--repeat', '0'], /--repeat 0: must be a whole number from 1 to 100/],
  ])('%j: one line, exit 2', async (argv, message) => {
    const errors: string[] = [];
    expect(await main(argv as string[], () => undefined, l => errors.push(l))).toBe(2);
    expect(errors.join('\n')).toMatch(message);
  });
});
