/**
 * The system tools the local runs need (redis-server, shellcheck, openssl, curl, the rehearsal's corpus of servers),
 * and whether this machine has them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commandExists, redisHasTls } from '../stand-ins/elasticache/redis-server';

export type Prerequisite = 'redis-server' | 'redis-tls' | 'shellcheck' | 'openssl' | 'curl'
  // The rehearsal's corpus of real servers (Debian: nginx-light, gunicorn + python3-flask, uvicorn + python3-starlette).
  | 'nginx' | 'gunicorn-flask' | 'uvicorn-starlette';

// The checks and the certificates are the Redis stand-in's own (src/stand-ins/elasticache/redis-server.ts): one copy for both.
const runs = commandExists;

const CHECKS: Record<Prerequisite, () => boolean> = {
  'redis-server': () => runs('redis-server', ['--version']),
  'redis-tls': () => runs('redis-server', ['--version']) && redisHasTls(),
  'shellcheck': () => runs('shellcheck', ['--version']),
  'openssl': () => runs('openssl', ['version']),
  'curl': () => runs('curl', ['--version']),
  'nginx': () => runs('nginx', ['-v']),
  // Debian's gunicorn and uvicorn run /usr/bin/python3, where python3-flask and python3-starlette install.
  'gunicorn-flask': () => runs('gunicorn', ['--version']) && runs('/usr/bin/python3', ['-c', 'import flask']),
  'uvicorn-starlette': () => runs('uvicorn', ['--version']) && runs('/usr/bin/python3', ['-c', 'import starlette']),
};

/**
 * A Python 3.9 interpreter (Amazon Linux 2023's python3), if this machine has one: on PATH or under pyenv.
 * Debian does not package 3.9, so this is optional.
 */
export function findPython39(): string | undefined {
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  const pyenvVersions = path.join(pyenvRoot, 'versions');
  const candidates = ['python3.9', '/usr/bin/python3.9', '/usr/local/bin/python3.9'];
  if (fs.existsSync(pyenvVersions)) {
    for (const v of fs.readdirSync(pyenvVersions).filter((d) => /^3\.9\.\d+$/.test(d)).sort().reverse()) {
      candidates.push(path.join(pyenvVersions, v, 'bin', 'python3.9'));
    }
  }
  return candidates.find((c) => {
    const r = spawnSync(c, ['-c', 'import sys; print(sys.version_info[:2] == (3, 9))'], { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 && r.stdout.trim() === 'True';
  });
}

export function missingPrerequisites(needs: Prerequisite[]): Prerequisite[] {
  return needs.filter((need) => !CHECKS[need]());
}
