import { keepAliveFix, listenFix, ServerKind, sigtermFix } from './server-kind';

/**
 * What a rehearsal can find wrong with an application, each with its fix in one line. `error`: the application
 * breaks the tier's zero-downtime promise (the rehearsal exits 1); `warning`: it costs requests where AWS or the
 * settings allow it, or is worth a look.
 */
export interface Finding {
  readonly id: FindingId;
  readonly severity: 'error' | 'warning';
  /** What was seen, with the numbers. */
  readonly message: string;
  /** The change that removes it. */
  readonly fix: string;
}

export type FindingId =
  | 'keep-alive-shorter-than-load-balancer'
  | 'sigterm-drops-requests'
  | 'stop-needs-sigkill'
  | 'health-page-hides-failures'
  | 'port-ignored'
  | 'loopback-only'
  | 'writes-own-folder'
  | 'boot-slower-than-budget'
  | 'never-healthy'
  | 'restart-refuses-connections'
  | 'requests-failed'
  | 'release-check-fails'
  | 'start-command-exited'
  | 'over-deadline';

/** Every finding's id. */
export const FINDING_IDS: readonly FindingId[] = [
  'keep-alive-shorter-than-load-balancer', 'sigterm-drops-requests', 'stop-needs-sigkill', 'health-page-hides-failures',
  'port-ignored', 'loopback-only', 'writes-own-folder', 'boot-slower-than-budget', 'never-healthy',
  'restart-refuses-connections', 'requests-failed', 'start-command-exited', 'over-deadline', 'release-check-fails',
];

/** Each finding the rehearsal knows, built from what it measured. */
export const FINDINGS = {
  /**
   * The rule: the application closed a connection it had answered on without `Connection: close` (so the load
   * balancer may reuse it) before the load balancer's idle timeout. A server that answers `Connection: close` is never
   * reused (RFC 9112 9.6), so never races the timeout: a note, not this finding (rehearsal.ts).
   */
  keepAlive: (closedAfter: number, idle: number, kind: ServerKind): Finding => ({
    id: 'keep-alive-shorter-than-load-balancer',
    severity: 'error',
    message: `closes an idle keep-alive connection after ${closedAfter} s; the load balancer keeps its connections to targets ` +
      `${idle} s and reuses them, so a request can land on a connection as the application closes it: a 502 for the user`,
    fix: `keep idle connections open longer than ${idle} s; ${keepAliveFix(kind, idle + 5)}`,
  }),
  /**
   * The rule: a request the sigterm probe held in flight (no answer 300 ms after it was sent: its body still arriving,
   * or its page waiting on the paused Redis) got no answer once SIGTERM landed. Any status counts as an answer. When
   * no request could be held, SIGTERM is not sent: the scenario is not exercised (`notExercised`), with no finding.
   */
  sigterm: (failure: string, kind: ServerKind): Finding => ({
    id: 'sigterm-drops-requests',
    severity: 'error',
    message: `drops a request in flight when SIGTERM lands (the end of every release and scale-in): ${failure}`,
    fix: `on SIGTERM stop accepting and finish what is in flight; ${sigtermFix(kind)}`,
  }),
  stopNeedsSigkill: (seconds: number, kind: ServerKind): Finding => ({
    id: 'stop-needs-sigkill',
    severity: 'warning',
    message: `did not exit within ${seconds} s of SIGTERM (TimeoutStopSec): systemd kills it, and whatever it had in flight`,
    fix: kind === 'node'
      ? 'exit once the requests in flight are done; for Node.js: server.close(() => process.exit(0)) and server.closeIdleConnections()'
      : 'exit once the requests in flight are done: close idle connections on SIGTERM, and let no child process outlive the server',
  }),
  /**
   * The rule: during steady load (nothing stopped, nothing deployed) the application itself answered at least one
   * request with a 5xx (a status it sent, not a 502, 503 or 504 the load balancer stand-in made for a connection
   * that failed), while its health page passed throughout (both servers healthy in the target group, and a check
   * right after the load). Any such answer counts, one in three or one in a hundred: a user got an error from a
   * server the load balancer will never take out of rotation, and a release that breaks the pages passes its gate.
   */
  healthHidesFailures: (healthPath: string, pages: string, statuses: string): Finding => ({
    id: 'health-page-hides-failures',
    severity: 'error',
    message: `the health page ${healthPath} answers healthy while ${pages} answered ${statuses}: the load balancer keeps ` +
      'sending users to a server that fails them, and a bad release passes its health check',
    fix: `make ${healthPath} check what the pages need (settings, Redis), or fix ${pages}`,
  }),
  portIgnored: (port: number, kind: ServerKind): Finding => ({
    id: 'port-ignored',
    severity: 'error',
    message: `nothing listens on PORT (${port}) after the start: the load balancer sends requests and health checks to PORT`,
    fix: `listen on the port the environment names; ${listenFix(kind)}`,
  }),
  loopbackOnly: (port: number, address: string, kind: ServerKind): Finding => ({
    id: 'loopback-only',
    severity: 'error',
    message: `answers on 127.0.0.1:${port} but not on ${address}:${port}: the load balancer connects to the server's own address`,
    fix: `listen on every address (0.0.0.0), not 127.0.0.1; ${listenFix(kind)}`,
  }),
  writesOwnFolder: (files: string[]): Finding => ({
    id: 'writes-own-folder',
    severity: 'error',
    message: `wrote into its own folder (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', ...' : ''}): on the instance the ` +
      'folder is read-only to the application (ProtectSystem=strict), so this fails there',
    fix: 'write temporary files to /tmp (private to the service) and state to Redis or another store, never to the application\'s folder',
  }),
  bootSlow: (seconds: number, budget: number): Finding => ({
    id: 'boot-slower-than-budget',
    severity: 'error',
    message: `took ${seconds} s to answer its health page; a deploy waits ${budget} s for a new server (deployTimeout) and then rolls back`,
    fix: 'start faster (no migrations or downloads in the start command), or raise deployTimeout',
  }),
  neverHealthy: (healthPath: string, seconds: number, log: string, socketActivation: boolean): Finding => ({
    id: 'never-healthy',
    severity: 'error',
    message: `never answered its health page ${healthPath} healthy within ${seconds} s${log ? `; its output ends: ${log}` : ''}`,
    fix: socketActivation
      ? 'with socketActivation, serve fd 3 when LISTEN_FDS is 1, and start with exec (startCommand: \'exec node server.js\'): ' +
        'LISTEN_PID is the pid of the start command\'s shell, and the port itself is held by the unit\'s socket'
      : 'start it by hand with the same environment (PORT, REDIS_*) and make the health page answer 200',
  }),
  restartRefuses: (failed: number, kind: ServerKind): Finding => ({
    id: 'restart-refuses-connections',
    severity: 'warning',
    message: `${failed} request(s) failed while it restarted after a crash: without socket activation, nothing listens until it is back`,
    fix: 'socketActivation: true in the application\'s options, and serve the socket systemd passes (fd 3 when LISTEN_FDS is 1)' +
      (kind === 'node' ? ': for Node.js server.listen(process.env.LISTEN_FDS === \'1\' ? { fd: 3 } : Number(process.env.PORT))'
        : kind === 'gunicorn' ? ': gunicorn serves it with --bind fd://3' : ''),
  }),
  /** The start command's process exited by itself before its health page ever answered (reported as it happens). */
  startCommandExited: (exit: string, lastLines: string): Finding => ({
    id: 'start-command-exited',
    severity: 'error',
    message: `the start command exited by itself (${exit}) before the health page answered${lastLines ? `; its output ends:\n    ${lastLines.split('\n').join('\n    ')}` : ''}`,
    fix: 'run the start command by hand in the application\'s folder with PORT set, and fix what its output says; ' +
      'start the server with exec (startCommand: \'exec node server.js\') so that it is the unit\'s main process',
  }),
  /** A step did not finish within its deadline: the rehearsal stopped it (and everything it started). */
  overDeadline: (step: string, seconds: number): Finding => ({
    id: 'over-deadline',
    severity: 'error',
    message: `${step} did not finish within its deadline of ${seconds} s: the rehearsal stopped it`,
    fix: 'see the progress lines for the step it was in; a page slower than the health check timeout or a server that ' +
      'answers fewer requests a second than the clients ask (20) keeps users waiting on AWS too',
  }),
  /** The rule: a release check (the tier's `releaseChecks`) got a wrong answer from a booted server, 3 tries each. */
  releaseCheckFails: (failures: string): Finding => ({
    id: 'release-check-fails',
    severity: 'error',
    message: `a release check failed against a booted server (${failures}): every new server of a release would abandon its ` +
      'launch, and the release would roll back',
    fix: 'fix the page the check asks, or change the check (releaseChecks: path, method, expectedStatus, bodyContains)',
  }),
  requestsFailed: (scenario: string, failed: number, causes: string): Finding => ({
    id: 'requests-failed',
    severity: 'error',
    message: `${failed} request(s) failed in "${scenario}", where the tier promises none: ${causes}`,
    // The client load stops sending past MAX_OUTSTANDING requests waiting (client-load.ts): the servers are too slow.
    fix: causes.includes('not sent: ')
      ? 'the servers answered fewer requests a second than the clients sent (20 over two servers): make the pages faster, ' +
        'or serve requests concurrently (more workers or threads: gunicorn --workers/--threads, uvicorn --workers, Node.js cluster)'
      : 'see the causes; the other findings name the usual ones',
  }),
};
