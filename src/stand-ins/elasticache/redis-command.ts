/**
 * One Redis command over a fresh raw connection (RESP2, AUTH and TLS as the tier's ElastiCache): what the rehearsal
 * sends to its own redis-server (CLIENT PAUSE), and what the drill and the runtime tests send to theirs.
 * https://redis.io/docs/latest/develop/reference/protocol-spec/ (RESP2)
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html (TLS)
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html (AUTH)
 */
import * as fs from 'fs';
import * as net from 'net';
import * as tls from 'tls';

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  /** When set, connect with TLS and trust this CA. */
  readonly tlsCaFile?: string;
  /**
   * The name the harness's own client expects in the certificate.
   *
   * @default - the host
   */
  readonly tlsServerName?: string;
}

export type Reply = string | number | null | Error | Reply[];

/** Parses one RESP reply at `at`; undefined when the buffer is still incomplete. */
function parseReply(buf: Buffer, at: number): [Reply, number] | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at])) {
    case '+': return [line, next];
    case '-': return [new Error(line), next];
    case ':': return [Number(line), next];
    case '$': {
      const len = Number(line);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return undefined;
      return [buf.toString('utf8', next, next + len), next + len + 2];
    }
    case '*': {
      const items: Reply[] = [];
      let pos = next;
      for (let i = 0; i < Number(line); i++) {
        const parsed = parseReply(buf, pos);
        if (!parsed) return undefined;
        items.push(parsed[0]);
        pos = parsed[1];
      }
      return [items, pos];
    }
    default: throw new Error(`bad RESP reply: ${line}`);
  }
}

/** One command over a fresh raw connection (AUTH first when the endpoint has a password). Error replies reject. */
export function redisCommand(endpoint: RedisEndpoint, command: string[], timeoutMs = 2000): Promise<Reply> {
  const commands = endpoint.password ? [['AUTH', endpoint.password], command] : [command];
  const payload = commands.map((c) => `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join('');
  return new Promise((resolve, reject) => {
    const socket: net.Socket = endpoint.tlsCaFile
      ? tls.connect({
        host: endpoint.host,
        port: endpoint.port,
        ca: fs.readFileSync(endpoint.tlsCaFile),
        checkServerIdentity: (host, cert) => tls.checkServerIdentity(endpoint.tlsServerName ?? host, cert),
      })
      : net.connect({ host: endpoint.host, port: endpoint.port });
    const timer = setTimeout(() => socket.destroy(new Error(`redis ${command[0]} timed out after ${timeoutMs} ms`)), timeoutMs);
    let buf = Buffer.alloc(0);
    const replies: Reply[] = [];
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      const last = replies[replies.length - 1];
      const failed = err ?? replies.find((r): r is Error => r instanceof Error);
      if (failed) reject(failed); else resolve(last);
    };
    socket.once(endpoint.tlsCaFile ? 'secureConnect' : 'connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      let parsed = parseReply(buf, 0);
      while (parsed) {
        replies.push(parsed[0]);
        buf = buf.subarray(parsed[1]);
        parsed = buf.length > 0 ? parseReply(buf, 0) : undefined;
      }
      if (replies.length >= commands.length) finish();
    });
    socket.once('error', finish);
    socket.once('close', () => finish(new Error('redis connection closed before the reply')));
  });
}
