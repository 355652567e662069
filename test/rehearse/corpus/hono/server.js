// Hono on @hono/node-server at its defaults (serve(): Node's http server; no SIGTERM handler of its own).
const { serve } = require('@hono/node-server');
const { Hono } = require('hono');

const app = new Hono();
app.get('/', c => c.text('ok\n'));
app.post('/', async c => c.text(`got ${(await c.req.text()).length} bytes\n`));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '0.0.0.0' });
