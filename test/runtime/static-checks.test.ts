import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ASSETS_DIR, cleanup, describeWith, PYTHON, tempDir } from './harness';

function assetFiles(ext: string, dir = ASSETS_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return assetFiles(ext, full);
    return e.name.endsWith(ext) ? [path.relative(ASSETS_DIR, full)] : [];
  });
}

const SHELL_SCRIPTS = assetFiles('.sh');
const PYTHON_FILES = assetFiles('.py');
const BASTION_SET = ['common/imds.sh', 'bastion/associate-eip.sh'];

afterAll(() => cleanup.run());

describeWith(['shellcheck'])('shell scripts under assets/', () => {
  test('with the expected layout, there are scripts to check', () => {
    expect(SHELL_SCRIPTS).toEqual(expect.arrayContaining(['common/imds.sh', 'web/bootstrap-web.sh', 'bastion/associate-eip.sh']));
  });

  test.each(SHELL_SCRIPTS)('with shellcheck -x, %s has no findings at any severity', (file) => {
    const r = spawnSync('shellcheck', ['-x', '--severity=style', file], { cwd: ASSETS_DIR, encoding: 'utf8', timeout: 30_000 });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('Python under assets/', () => {
  test.each(PYTHON_FILES)('with /usr/bin/python3 -m py_compile, %s compiles', (file) => {
    const r = spawnSync(PYTHON, ['-m', 'py_compile', file],
      { cwd: ASSETS_DIR, encoding: 'utf8', env: { ...process.env, PYTHONPYCACHEPREFIX: tempDir('pycache') }, timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  /** Parses a file with /usr/bin/python3 and the Python 3.9 grammar (`ast.parse(..., feature_version=(3, 9))`). */
  const parseAs39 = (file: string, cwd = ASSETS_DIR) => {
    const check = [
      'import ast, sys',
      'tree = ast.parse(open(sys.argv[1]).read(), sys.argv[1], feature_version=(3, 9))',
      'anns = [n.annotation for n in ast.walk(tree) if isinstance(n, (ast.arg, ast.AnnAssign)) and n.annotation]',
      'anns += [n.returns for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.returns]',
      'bad = [a.lineno for a in anns if any(isinstance(b, ast.BinOp) and isinstance(b.op, ast.BitOr) for b in ast.walk(a))]',
      'sys.exit("X | Y annotations need Python 3.10, lines %s" % bad if bad else 0)',
    ].join('\n');
    return spawnSync(PYTHON, ['-c', check, file], { cwd, encoding: 'utf8', timeout: 30_000 });
  };

  test.each(PYTHON_FILES)('with the Python 3.9 grammar (Amazon Linux 2023), %s parses and has no X | Y annotations', (file) => {
    const r = parseAs39(file);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test.each([
    ['a match statement (3.10)', 'match x:\n    case 1:\n        pass\n', /SyntaxError/],
    ['an X | Y annotation (3.10)', 'def f(a: int | None) -> None:\n    pass\n', /X \| Y annotations need Python 3\.10/],
  ])('fails the Python 3.9 check on %s', (_what, source, message) => {
    const dir = tempDir('py39');
    fs.writeFileSync(path.join(dir, 'newer.py'), source);
    const r = parseAs39('newer.py', dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });
});

describe('webtier.service', () => {
  const unit = fs.readFileSync(path.join(ASSETS_DIR, 'web', 'webtier.service'), 'utf8');
  const directives = (name: string) => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]);

  test('with the boot layout, it runs the application\'s start script in its folder with the environment file that bootstrap-web.sh writes', () => {
    expect(directives('ExecStart')).toEqual(['/bin/bash /opt/webtier/start-app']);
    expect(directives('WorkingDirectory')).toEqual(['/opt/webtier/app']);
    expect(directives('EnvironmentFile')).toEqual(['/etc/webtier/webtier.env']);
  });

  test('with a crash or a kill, systemd restarts it after 1 s, without a start limit', () => {
    expect(directives('Restart')).toEqual(['always']);
    expect(directives('RestartSec')).toEqual(['1']);
    expect(directives('StartLimitIntervalSec')).toEqual(['0']);
  });

  test('with a stop, systemd waits longer than the hello server takes to finish its requests in flight', () => {
    const r = spawnSync(PYTHON, ['-c', 'import webtier_server; print(webtier_server.STOP_TIMEOUT_SECONDS)'],
      { cwd: path.join(ASSETS_DIR, 'web'), encoding: 'utf8', timeout: 10_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(r.status).toBe(0);
    const serverStop = Number(r.stdout.trim());
    const unitStop = directives('TimeoutStopSec').map(Number);
    expect(unitStop).toHaveLength(1);
    expect(serverStop).toBeGreaterThan(0);
    expect(unitStop[0]).toBeGreaterThan(serverStop);
  });

  test('with hardening, it runs unprivileged as webtier after the network is up', () => {
    expect(directives('User')).toEqual(['webtier']);
    expect(directives('NoNewPrivileges')).toEqual(['yes']);
    expect(directives('ProtectSystem')).toEqual(['strict']);
    expect(directives('CapabilityBoundingSet')).toEqual(['']);
    expect(directives('After')).toEqual(['network-online.target']);
    expect(directives('Wants')).toEqual(['network-online.target']);
    expect(directives('WantedBy')).toEqual(['multi-user.target']);
  });

  /** `systemd-analyze verify` of a unit file; .ci/run installs systemd, so a missing tool fails rather than skips. */
  const verify = (file: string) => {
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 30_000 });
    if (r.error) throw new Error(`systemd-analyze did not run (${r.error.message}): run .ci/run or apt-get install systemd`);
    return r;
  };

  test('with systemd-analyze verify, the unit has no errors', () => {
    const r = verify(path.join(ASSETS_DIR, 'web', 'webtier.service'));
    expect(r.stderr).not.toMatch(/webtier\.service:\d+/);
    expect(r.status).toBe(0);
  });

  test('fails systemd-analyze verify on a unit whose ExecStart is not an absolute path', () => {
    const file = path.join(tempDir('unit'), 'webtier.service');
    const broken = unit.replace(/^ExecStart=\/bin\/bash /m, 'ExecStart=relative/bash ');
    expect(broken).not.toBe(unit);
    fs.writeFileSync(file, broken);
    const r = verify(file);
    expect(r.stderr).toMatch(/webtier\.service:\d+/);
    expect(r.status).not.toBe(0);
  });
});

describe('asset sizes', () => {
  const bytes = (files: string[]) => files.reduce((sum, f) => sum + fs.statSync(path.join(ASSETS_DIR, f)).size, 0);

  // The web files are no longer inlined: they ship as S3 assets, and test/web-fleet checks the user-data stays under 4 KB.
  test('with the bastion files inlined into user-data, they stay under 3 KB', () => {
    expect(bytes(BASTION_SET)).toBeLessThan(3 * 1024);
  });

});
