// The smallest Redis client that serves the example: one connection (TLS and AUTH when asked), commands answered
// in order (RESP), a new connection after any error. Integer, simple string, bulk string and error replies only.
'use strict';
const net = require('net');
const tls = require('tls');

class RedisClient {
  constructor({ host, port, tls: useTls, password, timeoutMs = 2000 }) {
    Object.assign(this, { host, port, useTls, password, timeoutMs });
    this.socket = undefined;
    this.pending = [];
    this.buffer = Buffer.alloc(0);
  }

  /** Sends one command (an array of strings) and resolves with its reply. */
  command(args) {
    if (!this.socket) this.connect();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket.write(encode(args));
    });
  }

  connect() {
    const ip = net.isIP(this.host) !== 0;
    const socket = this.useTls
      ? tls.connect({ host: this.host, port: this.port, servername: ip ? undefined : this.host })
      : net.connect({ host: this.host, port: this.port });
    socket.setTimeout(this.timeoutMs, () => socket.destroy(new Error('redis timed out')));
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', (err) => this.fail(socket, err));
    socket.on('close', () => this.fail(socket, new Error('redis connection closed')));
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    if (this.password) {
      // AUTH goes first; its reply settles a request nobody waits for.
      this.pending.push({ resolve: () => {}, reject: () => {} });
      socket.write(encode(['AUTH', this.password]));
    }
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const parsed = parse(this.buffer);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.length);
      const request = this.pending.shift();
      if (!request) continue;
      if (parsed.value instanceof Error) request.reject(parsed.value);
      else request.resolve(parsed.value);
    }
  }

  fail(socket, err) {
    if (this.socket !== socket) return;
    this.socket = undefined;
    socket.destroy();
    for (const request of this.pending.splice(0)) request.reject(err);
  }
}

function encode(args) {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`;
}

/** One reply at the start of `buffer`, with the bytes it took, or undefined when it is incomplete. */
function parse(buffer) {
  const end = buffer.indexOf('\r\n');
  if (end < 0) return undefined;
  const line = buffer.toString('utf8', 1, end);
  switch (String.fromCharCode(buffer[0])) {
    case '+': return { value: line, length: end + 2 };
    case '-': return { value: new Error(line), length: end + 2 };
    case ':': return { value: Number(line), length: end + 2 };
    case '$': {
      const size = Number(line);
      if (size < 0) return { value: null, length: end + 2 };
      if (buffer.length < end + 2 + size + 2) return undefined;
      return { value: buffer.toString('utf8', end + 2, end + 2 + size), length: end + 2 + size + 2 };
    }
    default: return { value: new Error(`unexpected Redis reply: ${line}`), length: end + 2 };
  }
}

module.exports = { RedisClient };
