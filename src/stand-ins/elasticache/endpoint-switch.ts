/**
 * Stand-in for the primary endpoint of an ElastiCache replication group: a DNS name that the clients resolve at every
 * connect, and that ElastiCache moves to the promoted replica on a failover, closing the old primary's connections.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Endpoints.html
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
 */
import * as net from 'net';
import { LOOPBACK } from '../../local/loopback';
import { Cleanup, cleanup } from '../../local/processes';

export interface TcpSwitch {
  readonly host: string;
  readonly port: number;
  /** Where new connections go now. */
  readonly upstreamPort: number;
  /** While true, whatever the upstream answers is dropped: the client's command ran but its reply never arrives. */
  dropReplies: boolean;
  /** Connections accepted so far. */
  readonly connections: number;
  /**
   * Cuts one connection, once: at `'command'`, the next data a client sends is dropped and its connection closed
   * (the command never reaches the upstream); at `'reply'`, the next reply is dropped and its connection closed (the
   * command ran, its reply is lost). The client sees the connection closed by the server, as on a failover.
   */
  cutOnce(at: 'command' | 'reply'): void;
  /**
   * Points the endpoint at another upstream and closes every open connection, as ElastiCache does to the
   * old primary's clients on a failover. With `closeConnections` false, the open connections stay on the old
   * upstream (e.g. a primary that vanished without closing them); only new connections go to the new one.
   */
  switchTo(upstreamPort: number, closeConnections?: boolean): void;
  stop(): Promise<void>;
}

/** A TCP forwarder on 127.0.0.1 that stands in for a DNS name the client resolves at every connect. */
export async function startTcpSwitch(upstreamPort: number, registry: Cleanup = cleanup): Promise<TcpSwitch> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  const state = { upstreamPort, dropReplies: false, connections: 0, cut: undefined as 'command' | 'reply' | undefined };
  const server = net.createServer((client) => {
    state.connections++;
    const upstream = net.connect({ host: LOOPBACK, port: state.upstreamPort });
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    /** Whether this is where the pending cut happens (then the connection is closed). */
    const cutHere = (at: 'command' | 'reply') => {
      if (state.cut !== at) return false;
      state.cut = undefined;
      close();
      return true;
    };
    client.on('data', (c: Buffer) => {
      if (!cutHere('command')) upstream.write(c);
    });
    upstream.on('data', (c: Buffer) => {
      if (!cutHere('reply') && !state.dropReplies) client.write(c);
    });
    for (const s of pair) {
      s.once('close', close);
      s.once('error', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const stop = () => new Promise<void>((resolve) => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    server.close(() => resolve());
  });
  registry.add(stop);
  return {
    host: LOOPBACK,
    port: (server.address() as net.AddressInfo).port,
    get upstreamPort() { return state.upstreamPort; },
    switchTo: (port: number, closeConnections = true) => {
      state.upstreamPort = port;
      for (const [a, b] of closeConnections ? [...pairs] : []) {
        a.destroy();
        b.destroy();
      }
    },
    get dropReplies() { return state.dropReplies; },
    set dropReplies(v: boolean) { state.dropReplies = v; },
    get connections() { return state.connections; },
    cutOnce: (at: 'command' | 'reply') => { state.cut = at; },
    stop,
  };
}
