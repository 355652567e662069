import { Haproxy, ServerStat } from './haproxy';

/** A server's state as HAProxy reported it, when it changed. */
export interface ServerTransition {
  /** Milliseconds on the drill's clock when the new state was first seen. */
  readonly at: number;
  /** When the previous poll was sent: the change happened between `after` and `at`. */
  readonly after: number;
  readonly server: string;
  readonly from: string;
  readonly to: string;
  readonly checkStatus: string;
}

export interface ServerStateWatcherOptions {
  readonly haproxy: Haproxy;
  /** Milliseconds on the drill's clock. */
  readonly now: () => number;
  /**
   * Time between two polls of `show stat`, in milliseconds: the precision of every transition time.
   *
   * @default 50
   */
  readonly everyMs?: number;
  /** The watcher stops by itself after this long, in milliseconds. */
  readonly maxDurationMs: number;
  readonly onTransition?: (t: ServerTransition) => void;
}

/** Polls HAProxy's admin socket and records every change of a server's state (UP, UP 1/2, DOWN, MAINT ...). */
export class ServerStateWatcher {
  public readonly transitions: ServerTransition[] = [];
  /** Polls that failed (socket errors); a few are harmless, many mean HAProxy is gone. */
  public failedPolls = 0;
  private readonly states = new Map<string, ServerStat>();
  private running = false;
  private loop?: Promise<void>;

  constructor(private readonly opts: ServerStateWatcherOptions) {}

  /** Takes a first snapshot, then polls in the background. */
  public async start(): Promise<void> {
    const first = await this.opts.haproxy.servers();
    for (const s of first) this.states.set(s.server, s);
    this.running = true;
    this.loop = this.poll();
  }

  public status(server: string): string | undefined {
    return this.states.get(server)?.status;
  }

  /** The result of the server's last health check ("L7OK", "L7STS", "L4CON", "INI" ...), "" before any. */
  public checkStatus(server: string): string {
    return this.states.get(server)?.checkStatus ?? '';
  }

  public snapshot(): Record<string, string> {
    return Object.fromEntries([...this.states].map(([name, s]) => [name, s.status]));
  }

  public async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async poll(): Promise<void> {
    const everyMs = this.opts.everyMs ?? 50;
    const deadline = this.opts.now() + this.opts.maxDurationMs;
    const maxPolls = Math.ceil(this.opts.maxDurationMs / everyMs) + 1;
    let previous = this.opts.now();
    for (let n = 0; this.running && n < maxPolls && this.opts.now() < deadline; n++) {
      const sent = this.opts.now();
      try {
        const servers = await this.opts.haproxy.servers();
        const at = this.opts.now();
        for (const s of servers) {
          const before = this.states.get(s.server);
          this.states.set(s.server, s);
          if (before && before.status !== s.status) {
            const t: ServerTransition = { at, after: previous, server: s.server, from: before.status, to: s.status, checkStatus: s.checkStatus };
            this.transitions.push(t);
            this.opts.onTransition?.(t);
          }
        }
      } catch {
        this.failedPolls++;
      }
      previous = sent;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    this.running = false;
  }
}
