// Node.js's http module at its defaults, with the SIGTERM handler `rehearse` prints as its fix.
// Ground truth (test/rehearse/server-corpus.ts): keep-alive 5 s (server.keepAliveTimeout), graceful on SIGTERM.
const http = require('http');

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', chunk => body += chunk);
  req.on('end', () => res.end(req.method === 'POST' ? `got ${body.length} bytes\n` : 'ok\n'));
});
server.listen(Number(process.env.PORT), '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
