/**
 * The requests the clients observed through the load balancer stand-in: what the ALB's per-period metrics
 * (RequestCount, HTTPCode_Target_5XX_Count, HTTPCode_ELB_5XX_Count, TargetResponseTime) are computed from.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 */

/** What became of one request. */
export type Outcome = number | 'timeout' | 'error' | 'skipped';

export interface RequestRecord {
  readonly index: number;
  /** Milliseconds on the drill's clock. */
  readonly sentAt: number;
  readonly doneAt: number;
  /** The HTTP status, or `timeout` (no answer within the client timeout), `error` (connection failed), `skipped` (too many in flight). */
  readonly outcome: Outcome;
  /** The instance id hello.py printed (200 only). */
  readonly instanceId?: string;
  /** The counter value hello.py printed (200 only). */
  readonly count?: number;
  readonly detail?: string;
}
