import { httpGet, parseHello } from '../src/local/http-client';
import { RequestRecord } from '../src/stand-ins/cloudwatch/observed-requests';

export type { Outcome, RequestRecord } from '../src/stand-ins/cloudwatch/observed-requests';

export interface LoadGeneratorOptions {
  readonly url: string;
  readonly ratePerSecond: number;
  /** Hard limits: the generator stops sending after whichever comes first. */
  readonly maxRequests: number;
  readonly maxDurationMs: number;
  /**
   * Client timeout of one request, in milliseconds.
   *
   * @default 15000
   */
  readonly timeoutMs?: number;
  /**
   * Requests in flight at most; a request due while that many are pending is recorded as `skipped`.
   *
   * @default 200
   */
  readonly maxInFlight?: number;
  /** Milliseconds on the drill's clock. */
  readonly now: () => number;
  readonly onRecord?: (r: RequestRecord) => void;
}

/**
 * Open-loop load: request i leaves at start + i / rate whatever happened to the previous ones, so a slow
 * or failing server cannot slow the load down (a closed loop would hide errors by sending fewer requests).
 */
export class LoadGenerator {
  public readonly records: RequestRecord[] = [];
  private sent = 0;
  private pending = new Set<Promise<void>>();
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private startedAt = 0;

  constructor(private readonly opts: LoadGeneratorOptions) {
    if (!(opts.ratePerSecond > 0 && opts.ratePerSecond <= 1000)) throw new Error(`ratePerSecond is ${opts.ratePerSecond}, expected more than 0 and at most 1000`);
  }

  public get inFlight(): number { return this.pending.size; }
  public get requestsSent(): number { return this.sent; }

  public start(): void {
    this.startedAt = this.opts.now();
    this.tick();
  }

  /** Stops sending and waits for the requests in flight (each is bounded by the client timeout). */
  public async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all([...this.pending]);
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.opts.now();
    const elapsed = now - this.startedAt;
    if (elapsed >= this.opts.maxDurationMs || this.sent >= this.opts.maxRequests) {
      this.stopped = true;
      return;
    }
    const due = Math.min(this.opts.maxRequests, Math.floor(elapsed * this.opts.ratePerSecond / 1000) + 1);
    while (this.sent < due) this.send(this.sent++);
    const next = this.startedAt + this.sent * 1000 / this.opts.ratePerSecond;
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - this.opts.now()));
  }

  private send(index: number): void {
    const sentAt = this.opts.now();
    const push = (r: RequestRecord) => {
      this.records.push(r);
      this.opts.onRecord?.(r);
    };
    if (this.pending.size >= (this.opts.maxInFlight ?? 200)) {
      push({ index, sentAt, doneAt: sentAt, outcome: 'skipped' });
      return;
    }
    const timeoutMs = this.opts.timeoutMs ?? 15_000;
    const p = httpGet(this.opts.url, { timeoutMs }).then((res) => {
      let hello: { count: number; instanceId: string } | undefined;
      if (res.status === 200) {
        try {
          hello = parseHello(res.body);
        } catch {
          hello = undefined;
        }
      }
      push({ index, sentAt, doneAt: this.opts.now(), outcome: res.status, instanceId: hello?.instanceId, count: hello?.count });
    }, (err: Error) => {
      const timedOut = /timed out/.test(err.message);
      push({ index, sentAt, doneAt: this.opts.now(), outcome: timedOut ? 'timeout' : 'error', detail: err.message });
    }).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}
