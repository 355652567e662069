import type { ReleaseDuration } from '../../web-fleet/release-duration';

/**
 * What a rehearsal runs and against which settings: the application (its folder, how it starts, its health page)
 * and the settings of the target group and load balancer it sits behind on AWS.
 */

/** The application under rehearsal, as a web server of the tier runs it. */
export interface RehearsedApplication {
  /** A name for the report: the tier's construct path, or the folder. */
  readonly name: string;
  /** The folder the application runs in (its working directory). */
  readonly directory: string;
  /** The tier's `startCommand`, run by bash in `directory`. */
  readonly startCommand: string;
  /** The port it must listen on (`PORT`). */
  readonly port: number;
  /** The page the target group checks. */
  readonly healthCheckPath: string;
  /** The pages the rehearsal's clients ask (default `/`). */
  readonly pages?: string[];
  /** Whether the listening socket is handed over as fd 3 (`socketActivation`). */
  readonly socketActivation: boolean;
  /** The application's own `environment` (values holding CDK tokens are not known before deploy: placeholders). */
  readonly environment: Record<string, string>;
  /** The names of its `secrets` (given placeholder values: a rehearsal reads no secret). */
  readonly secretNames: string[];
  /** The tier's `installCommands`: reported, not run (they install packages on Amazon Linux, as root). */
  readonly installCommands: string[];
  /** The tier's release checks, one a line as the user-data holds them (`WEBTIER_RELEASE_CHECKS`); none when absent. */
  readonly releaseChecks?: string;
  /**
   * Whether the application uses the tier's Redis: a local redis-server is started, and REDIS_* set, only then.
   * @default true (a synthesized tier always has its cache; `--dir` sets it from `--redis`)
   */
  readonly usesRedis?: boolean;
}

/**
 * The load balancer's and target group's settings, from the synthesized template when there is one, else the
 * tier's defaults. Seconds throughout.
 */
export interface LoadBalancerSettings {
  /** `idle_timeout.timeout_seconds` of the load balancer (AWS default 60). */
  readonly idleTimeoutSeconds: number;
  readonly healthCheckIntervalSeconds: number;
  readonly healthCheckTimeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** The status codes a health check accepts (`Matcher.HttpCode`: "200", "200-299", "200,302"). */
  readonly healthyHttpCodes: string;
  /** `deregistration_delay.timeout_seconds` of the target group (AWS default 300). */
  readonly deregistrationDelaySeconds: number;
  /** How long a deploy waits for a new server to answer its health page (the tier's `deployTimeout`). */
  readonly readinessBudgetSeconds: number;
}

/** One tier's application and settings. */
export interface RehearsalTarget {
  readonly application: RehearsedApplication;
  readonly settings: LoadBalancerSettings;
  /** How long a release of the fleet takes with the synthesized settings, when the template is known. */
  readonly releaseDuration?: ReleaseDuration;
}

/**
 * The one-liner's defaults, for `--dir` without a cloud assembly: its health check (`WebHealthCheck`: 30 s, 3 s,
 * 2 / 2, code 200), its deregistration delay (30 s), its deploy timeout (15 minutes) and the ALB's idle timeout.
 */
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout (60 s)
export const TIER_DEFAULT_SETTINGS: LoadBalancerSettings = {
  idleTimeoutSeconds: 60,
  healthCheckIntervalSeconds: 30,
  healthCheckTimeoutSeconds: 3,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  healthyHttpCodes: '200',
  deregistrationDelaySeconds: 30,
  readinessBudgetSeconds: 15 * 60,
};

/** Whether `status` is one of `codes` ("200", "200-299", "200,302"), as a target group's matcher reads them. */
export function matchesHttpCodes(codes: string, status: number): boolean {
  return codes.split(',').some(part => {
    const [low, high] = part.trim().split('-').map(Number);
    return high === undefined ? status === low : status >= low && status <= high;
  });
}
