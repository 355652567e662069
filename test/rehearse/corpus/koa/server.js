// Koa 3 at its defaults (app.listen: Node's http server; no SIGTERM handler of its own).
const Koa = require('koa');

const app = new Koa();
app.use(async ctx => {
  let body = '';
  for await (const chunk of ctx.req) {
    body += chunk;
  }
  ctx.body = ctx.method === 'POST' ? `got ${body.length} bytes\n` : 'ok\n';
});
app.listen(Number(process.env.PORT), '0.0.0.0');
