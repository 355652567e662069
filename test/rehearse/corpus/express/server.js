// Express 5 at its defaults (app.listen: Node's http server; no SIGTERM handler of its own).
const express = require('express');

const app = express();
app.use(express.urlencoded({ extended: false }));
app.get('/', (req, res) => res.send('ok\n'));
app.post('/', (req, res) => res.send(`got ${Object.keys(req.body ?? {}).length} fields\n`));
app.listen(Number(process.env.PORT), '0.0.0.0');
