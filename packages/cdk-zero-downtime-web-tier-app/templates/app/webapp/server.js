// The web app every web server runs: a visit counter in Node.js with no dependencies. Everything it needs comes
// from the tier's environment file (/etc/webtier/webtier.env): PORT, INSTANCE_ID, AVAILABILITY_ZONE, REDIS_HOST,
// REDIS_PORT, REDIS_TLS, REDIS_AUTH_TOKEN. The load balancer checks /healthz (healthCheckPath in src/main.ts).
'use strict';
const http = require('http');
const { RedisClient } = require('./redis-client');

const env = process.env;
const redis = new RedisClient({
  host: env.REDIS_HOST || '127.0.0.1',
  port: Number(env.REDIS_PORT || 6379),
  tls: env.REDIS_TLS === 'true',
  password: env.REDIS_AUTH_TOKEN || undefined,
});

let stopping = false;
const server = http.createServer(async (req, res) => {
  if (stopping) res.setHeader('Connection', 'close');
  const path = (req.url || '/').split('?')[0];
  if (path === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
  } else if (path === '/') {
    try {
      const count = await redis.command(['INCR', 'webtier:node:counter']);
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`Hello from Node.js! Counter: ${count} Id: ${env.INSTANCE_ID}\n`);
    } catch (err) {
      console.error(`redis unavailable: ${err.message}`);
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('The counter is unavailable, please retry.\n');
    }
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  }
});
// The load balancer keeps idle connections to its targets for 60 s and reuses them: a server that closes one first
// (Node's default is 5 s) races the next request on it, which the load balancer answers 502. Keep them longer.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

// A release or a scale-in deregisters the server, drains it, then sends SIGTERM: stop accepting, close the idle
// connections, let the requests in flight finish (their answers close the connection), then exit; after 20 s exit
// anyway (the unit's TimeoutStopSec is 30 s).
process.on('SIGTERM', () => {
  stopping = true;
  console.log(`webapp: ${env.INSTANCE_ID} stopping: finishing the requests in flight`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 20_000).unref();
});

if (env.LISTEN_FDS === '1' && Number(env.LISTEN_PID) === process.pid) {
  // socketActivation: systemd listens on PORT and hands the socket over as file descriptor 3.
  server.listen({ fd: 3 }, () => console.log(`webapp: ${env.INSTANCE_ID} on the socket systemd passed (fd 3)`));
} else {
  server.listen(Number(env.PORT || 8000), env.WEB_BIND || '0.0.0.0', () => {
    console.log(`webapp: ${env.INSTANCE_ID} on port ${server.address().port}`);
  });
}
