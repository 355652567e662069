/**
 * Which web server an application runs on, as far as the rehearsal can tell (its answers' `Server` header, or the
 * start command), so that a finding's fix names that server's own setting. `other` when it cannot tell: the fix is
 * then the rule in plain words.
 */
export type ServerKind = 'node' | 'gunicorn' | 'uvicorn' | 'nginx' | 'other';

/**
 * The server behind `headers` (an answer of the application), else the program its `startCommand` runs:
 * gunicorn answers `Server: gunicorn` (gunicorn/http/wsgi.py `default_headers`), uvicorn `server: uvicorn`
 * (uvicorn/protocols/http: `server_header`, on by default), nginx `Server: nginx/...` (`server_tokens`); Node.js's
 * http module sends no Server header, so Node.js is known by its start command (`node`, `npm start`, `npx`...).
 */
export function serverKind(startCommand: string, headers: Record<string, string | string[] | undefined> = {}): ServerKind {
  const server = String(headers.server ?? '').toLowerCase();
  for (const kind of ['gunicorn', 'uvicorn', 'nginx'] as const) {
    if (server.startsWith(kind)) {
      return kind;
    }
  }
  const words = startCommand.split(/[\s;&|()]+/).map(w => w.split('/').pop() ?? '');
  for (const kind of ['gunicorn', 'uvicorn', 'nginx'] as const) {
    if (words.includes(kind)) {
      return kind;
    }
  }
  if (String(headers['x-powered-by'] ?? '').toLowerCase() === 'express' || words.some(w => ['node', 'npm', 'npx', 'yarn', 'pnpm', 'tsx', 'ts-node'].includes(w))) {
    return 'node';
  }
  return 'other';
}

/** How each server is told to keep idle connections open longer than `seconds` (a keep-alive timeout). */
export function keepAliveFix(kind: ServerKind, seconds: number): string {
  switch (kind) {
    case 'node':
      // https://nodejs.org/api/http.html#serverkeepalivetimeout (default 5 s)
      return `for Node.js (http, Express, Koa, Hono's node-server...): server.keepAliveTimeout = ${seconds * 1000}; server.headersTimeout = ${(seconds + 1) * 1000};`;
    case 'gunicorn':
      // https://docs.gunicorn.org/en/stable/settings.html#keepalive: the sync worker closes every connection; others keep it --keep-alive s.
      return `gunicorn: a worker class that keeps connections (--worker-class gthread) and --keep-alive ${seconds}`;
    case 'uvicorn':
      // https://www.uvicorn.org/settings/#timeouts --timeout-keep-alive (default 5 s)
      return `uvicorn: --timeout-keep-alive ${seconds}`;
    case 'nginx':
      // https://nginx.org/en/docs/http/ngx_http_core_module.html#keepalive_timeout (default 75 s)
      return `nginx: keepalive_timeout ${seconds}s;`;
    default:
      return `set your server's keep-alive (idle connection) timeout to ${seconds} s or more`;
  }
}

/** How each server is made to finish the requests in flight on SIGTERM. */
export function sigtermFix(kind: ServerKind): string {
  switch (kind) {
    case 'node':
      return 'for Node.js: process.on(\'SIGTERM\', () => server.close(() => process.exit(0)));';
    case 'gunicorn':
      // https://docs.gunicorn.org/en/stable/signals.html: TERM is a graceful shutdown, up to graceful_timeout (30 s).
      return 'gunicorn stops gracefully on SIGTERM (up to --graceful-timeout): keep its defaults, and let nothing in the start command exit first';
    case 'uvicorn':
      // https://www.uvicorn.org/deployment/: SIGTERM is a graceful shutdown (--timeout-graceful-shutdown).
      return 'uvicorn stops gracefully on SIGTERM: check that the application\'s shutdown handlers do not end requests in flight';
    case 'nginx':
      // https://nginx.org/en/docs/control.html: TERM, INT fast shutdown; QUIT graceful shutdown.
      return 'nginx takes SIGTERM as its fast shutdown (SIGQUIT is the graceful one): keep the requests it serves short, or run a server that is graceful on SIGTERM';
    default:
      return 'on SIGTERM stop accepting new connections, finish the requests in flight, then exit';
  }
}

/** How each server is told to listen on every address at PORT. */
export function listenFix(kind: ServerKind): string {
  switch (kind) {
    case 'node':
      return 'for Node.js: server.listen(Number(process.env.PORT), \'0.0.0.0\')';
    case 'gunicorn':
      return 'gunicorn: --bind 0.0.0.0:$PORT';
    case 'uvicorn':
      return 'uvicorn: --host 0.0.0.0 --port $PORT';
    case 'nginx':
      return 'nginx: listen on the port of PORT (write it into the configuration in the start command), on every address';
    default:
      return 'listen on every address (0.0.0.0) at the port the environment variable PORT names';
  }
}
