// A visit counter in Node.js with no dependencies: everything it needs comes from the tier's environment file
// (/etc/webtier/webtier.env): PORT, INSTANCE_ID, REDIS_HOST, REDIS_PORT, REDIS_TLS, REDIS_AUTH_TOKEN.
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

const server = http.createServer(async (req, res) => {
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
if (env.LISTEN_FDS === '1' && Number(env.LISTEN_PID) === process.pid) {
  // socketActivation: systemd listens on PORT and hands the socket over as file descriptor 3.
  server.listen({ fd: 3 }, () => console.log(`node-app: ${env.INSTANCE_ID} on the socket systemd passed (fd 3)`));
} else {
  server.listen(Number(env.PORT || 8000), env.WEB_BIND || '0.0.0.0', () => {
    console.log(`node-app: ${env.INSTANCE_ID} on port ${server.address().port}`);
  });
}
