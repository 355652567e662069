// Fastify 5 at its defaults (its own keepAliveTimeout; no SIGTERM handler of its own). Fastify parses JSON and
// text only by default: the form body is read as a string, as an app with a form would.
const fastify = require('fastify')();

fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => done(null, body));
fastify.get('/', async () => 'ok\n');
fastify.post('/', async req => `got ${String(req.body).length} bytes\n`);
fastify.listen({ port: Number(process.env.PORT), host: '0.0.0.0' });
