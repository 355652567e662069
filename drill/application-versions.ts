/**
 * The versions of the example's application a drill deploys: each is the synthesized asset itself (copied as the
 * boot unpacks it), with the drill's slow page added and, for a release, some routes swapped. The start command
 * stays the one the template records: a release changes the application's files, not how systemd starts it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { prepareApplicationFolder } from '../src/stand-ins/ec2/application-folder';

/** How long `/drill/slow` takes to answer, in seconds. */
export const SLOW_REQUEST_SECONDS = 3;

/** The path of the drill's slow page. */
export const SLOW_REQUEST_PATH = '/drill/slow';

/**
 * The versions a release scenario deploys (the product server in assets/web/ has no such mode): `good` is the
 * shipped server as is; `broken` answers its health page 200 and 500 on every other page (a missing setting, a bad
 * route: an outright failure, which the release checks catch before any user request); `bad` answers its health
 * page 200 and every third answer of the other pages 500 (a failure of some requests only: the release checks,
 * tried up to 3 times, pass, and the release gate must catch it); `slow` answers every other page
 * `slowExtraSeconds` later; `never-healthy` answers its health page 503.
 */
export type WebVersion = 'good' | 'bad' | 'broken' | 'slow' | 'never-healthy';

/** The hello counter's server file, which its start command runs. */
const SERVER_FILE = 'webtier_server.py';
/** Where each version keeps the shipped server file it wraps. */
const SHIPPED_FILE = 'webtier_server_shipped.py';

/** The Python that wraps the shipped server: the slow page, and the routes of `version` swapped in. */
export function serverCode(healthPath: string, version: WebVersion = 'good', slowExtraSeconds = 0): string {
  return [
    'import itertools, sys, time',
    `import ${path.basename(SHIPPED_FILE, '.py')} as w`,
    `w.ROUTES[${JSON.stringify(SLOW_REQUEST_PATH)}] = lambda conf, head=False: (time.sleep(${SLOW_REQUEST_SECONDS}), (200, "text/plain", b"slow"))[1]`,
    `VERSION, HEALTH, EXTRA, SLOW = ${JSON.stringify(version)}, ${JSON.stringify(healthPath)}, ${Number(slowExtraSeconds)}, ${JSON.stringify(SLOW_REQUEST_PATH)}`,
    'def slowed(handler):',
    '    return lambda conf, head=False: (time.sleep(EXTRA), handler(conf, head))[1]',
    'ANSWERS = itertools.count(1)',
    'def one_in_three_fails(handler):',
    '    return lambda conf, head=False: (500, "text/plain; charset=utf-8", b"release bug\\n") if next(ANSWERS) % 3 == 0 else handler(conf, head)',
    'for route, handler in list(w.ROUTES.items()):',
    '    if VERSION == "never-healthy" and route == HEALTH:',
    '        w.ROUTES[route] = lambda conf, head=False: (503, "text/plain", b"never healthy")',
    '    elif VERSION == "broken" and route != HEALTH:',
    '        w.ROUTES[route] = lambda conf, head=False: (500, "text/plain; charset=utf-8", b"release bug\\n")',
    '    elif VERSION == "bad" and route != HEALTH and route != SLOW:',
    '        w.ROUTES[route] = one_in_three_fails(handler)',
    '    elif VERSION == "slow" and route != HEALTH:',
    '        w.ROUTES[route] = slowed(handler)',
    'sys.exit(w.main(sys.argv[1:]))',
  ].join('\n');
}

/**
 * The application folder of `version` under `workDir` (made once per version and delay): a copy of `asset` as the
 * boot unpacks it, its server file wrapped by `serverCode`.
 */
export function versionFolder(asset: string, workDir: string, healthPath: string, version: WebVersion = 'good', slowExtraSeconds = 0): string {
  const folder = path.join(workDir, `app-${version}${slowExtraSeconds ? `-${Math.round(slowExtraSeconds * 1000)}ms` : ''}`);
  if (fs.existsSync(folder)) return folder;
  if (!fs.existsSync(path.join(asset, SERVER_FILE))) throw new Error(`${asset} has no ${SERVER_FILE}: the drill runs the hello counter`);
  const staging = `${folder}.staging`;
  fs.cpSync(asset, staging, { recursive: true });
  fs.renameSync(path.join(staging, SERVER_FILE), path.join(staging, SHIPPED_FILE));
  fs.writeFileSync(path.join(staging, SERVER_FILE), serverCode(healthPath, version, slowExtraSeconds));
  prepareApplicationFolder(staging, folder);
  fs.rmSync(staging, { recursive: true, force: true });
  return folder;
}
