// The corpus of real servers `rehearse` is proven on (test/rehearse/corpus): each app at its server's documented
// defaults, with what that server's documentation or source says it does, so the verdict each must get.
import * as path from 'path';

/** What the idle-connection scenario must conclude. */
export type KeepAliveTruth = 'finding' | 'none' | 'connection-close';

export interface CorpusServer {
  readonly name: string;
  /** The start command, in its `exec` form (the tests also run it without `exec`). */
  readonly start: string;
  /** The command the start command needs on the PATH (a Debian package for the Python servers and nginx). */
  readonly needs: string;
  /** Its keep-alive, and the source. */
  readonly keepAlive: KeepAliveTruth;
  readonly keepAliveSource: string;
  /** Whether a request in flight at SIGTERM is answered, and the source. */
  readonly sigtermGraceful: boolean;
  readonly sigtermSource: string;
  /** What the fix of its keep-alive finding must name (the server's own setting). */
  readonly keepAliveFix?: string;
  /** What the fix of its sigterm finding must name. */
  readonly sigtermFix?: string;
}

export const CORPUS_DIR = path.join(__dirname, 'corpus');

const NODE_KEEP_ALIVE = 'https://nodejs.org/api/http.html#serverkeepalivetimeout (Default: 5000): the server closes an idle connection after 5 s';
const NODE_SIGTERM = 'https://nodejs.org/api/process.html#signal-events: SIGTERM\'s default handler exits (128 + signal), ' +
  'ending the requests in flight; the framework installs no handler of its own';

export const CORPUS: CorpusServer[] = [
  {
    name: 'node-http',
    start: 'exec node server.js',
    needs: 'node',
    keepAlive: 'finding',
    keepAliveSource: NODE_KEEP_ALIVE,
    keepAliveFix: 'server.keepAliveTimeout = 65000',
    // https://nodejs.org/api/net.html#serverclosecallback: "Stops the server from accepting new connections and keeps
    // existing connections"; the callback runs once every connection has ended.
    sigtermGraceful: true,
    sigtermSource: 'its SIGTERM handler is the fix rehearse prints: server.close() finishes the requests in flight (https://nodejs.org/api/net.html#serverclosecallback)',
  },
  {
    name: 'express',
    start: 'exec node server.js',
    needs: 'node',
    keepAlive: 'finding',
    keepAliveSource: `app.listen() is http.Server's listen (https://expressjs.com/en/5x/api.html#app.listen); ${NODE_KEEP_ALIVE}`,
    keepAliveFix: 'server.keepAliveTimeout = 65000',
    sigtermGraceful: false,
    sigtermSource: `https://expressjs.com/en/advanced/healthcheck-graceful-shutdown.html: the application must handle SIGTERM itself; ${NODE_SIGTERM}`,
    sigtermFix: 'process.on(\'SIGTERM\'',
  },
  {
    name: 'koa',
    start: 'exec node server.js',
    needs: 'node',
    keepAlive: 'finding',
    keepAliveSource: `app.listen() is http.createServer(app.callback()).listen() (https://koajs.com/#app-listen-); ${NODE_KEEP_ALIVE}`,
    keepAliveFix: 'server.keepAliveTimeout = 65000',
    sigtermGraceful: false,
    sigtermSource: NODE_SIGTERM,
    sigtermFix: 'process.on(\'SIGTERM\'',
  },
  {
    name: 'fastify',
    start: 'exec node server.js',
    needs: 'node',
    keepAlive: 'none',
    keepAliveSource: 'https://fastify.dev/docs/latest/Reference/Server/#keepalivetimeout: "Default: 72000 (72 seconds)", longer than the 60 s of the ALB',
    sigtermGraceful: false,
    sigtermSource: `https://fastify.dev/docs/latest/Reference/Server/#close: the application calls fastify.close() itself; ${NODE_SIGTERM}`,
    sigtermFix: 'process.on(\'SIGTERM\'',
  },
  {
    name: 'hono',
    start: 'exec node server.js',
    needs: 'node',
    keepAlive: 'finding',
    keepAliveSource: `@hono/node-server's serve() creates a node:http server (https://hono.dev/docs/getting-started/nodejs); ${NODE_KEEP_ALIVE}`,
    keepAliveFix: 'server.keepAliveTimeout = 65000',
    sigtermGraceful: false,
    sigtermSource: `https://hono.dev/docs/getting-started/nodejs#graceful-shutdown: the application handles SIGTERM itself; ${NODE_SIGTERM}`,
    sigtermFix: 'process.on(\'SIGTERM\'',
  },
  {
    name: 'gunicorn-flask',
    start: 'exec gunicorn --bind 0.0.0.0:$PORT app:app',
    needs: 'gunicorn',
    keepAlive: 'connection-close',
    keepAliveSource: 'https://docs.gunicorn.org/en/stable/design.html#sync-workers: the default sync worker does not support ' +
      'persistent connections, each connection is closed after the response (Connection: close)',
    sigtermGraceful: true,
    sigtermSource: 'https://docs.gunicorn.org/en/stable/signals.html: TERM is a graceful shutdown, the workers finish their current ' +
      'requests (up to graceful_timeout, 30 s); a worker sent TERM directly (KillMode=control-group) does the same',
  },
  {
    name: 'uvicorn-starlette',
    start: 'exec uvicorn --host 0.0.0.0 --port $PORT app:app',
    needs: 'uvicorn',
    keepAlive: 'finding',
    keepAliveSource: 'https://www.uvicorn.org/settings/#timeouts: --timeout-keep-alive, "Default: 5"',
    keepAliveFix: '--timeout-keep-alive 65',
    sigtermGraceful: true,
    sigtermSource: 'https://www.uvicorn.org/deployment/#running-behind-nginx and uvicorn/server.py (handle_exit, shutdown): on SIGTERM ' +
      'it stops accepting, lets the responses in progress complete, then exits',
  },
  {
    name: 'nginx',
    start: '. ./start.sh; exec nginx -e stderr -c "$dir/nginx.conf" -g "daemon off;"',
    needs: 'nginx',
    keepAlive: 'none',
    keepAliveSource: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#keepalive_timeout: "Default: keepalive_timeout 75s;", longer than the 60 s of the ALB',
    sigtermGraceful: false,
    sigtermSource: 'https://nginx.org/en/docs/control.html: "TERM, INT: fast shutdown"; QUIT is the graceful shutdown. The ' +
      'request whose body is still arriving (buffered by nginx before it is proxied) is dropped',
    sigtermFix: 'SIGQUIT',
  },
];

/** The start command without `exec`: what the README's first form (`startCommand: 'node server.js'`) looks like. */
export function withoutExec(start: string): string {
  return start.replace(/\bexec /, '');
}
