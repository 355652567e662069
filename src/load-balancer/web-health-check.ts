import { Duration, IResolvable, IResolveContext, Token } from 'aws-cdk-lib';
import { checkIntegerInRange, checkPropsObject, checkSecondsInRange, invalidProp } from '../validation';

/**
 * How the load balancer decides whether a web server is healthy.
 */
export interface WebHealthCheck {
  /**
   * The page the load balancer requests on each web server: starts with "/", at most 1024 characters of a URL path
   * (no spaces or control characters).
   *
   * @default "/cgi-bin/ping.py"
   */
  readonly path?: string;

  /**
   * Time between two checks of one target, from 5 to 300 seconds.
   *
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;

  /**
   * Time without an answer after which a check fails, from 2 to 120 seconds and shorter than the interval.
   *
   * @default Duration.seconds(3)
   */
  readonly timeout?: Duration;

  /**
   * Consecutive passed checks before a target receives traffic, from 2 to 10.
   *
   * @default 2
   */
  readonly healthyThreshold?: number;

  /**
   * Consecutive failed checks before a target stops receiving traffic, from 2 to 10.
   *
   * @default 2
   */
  readonly unhealthyThreshold?: number;

  /**
   * HTTP codes that count as healthy, as the target group takes them ("200", "200-299", "200,204"):
   * codes from 200 to 499, ranges ascending.
   *
   * @default "200"
   */
  readonly healthyHttpCodes?: string;
}

/**
 * Ready-made health-check settings. They set no `path`: the application's `healthCheckPath` (or the default) applies,
 * so the load balancer and the boot's readiness check ask the same page.
 */
export class WebHealthCheckPresets {
  /** The tutorial's settings: every 30 s, 2 failures to leave, 2 successes to join, 3 s timeout. */
  public static tutorial(): WebHealthCheck {
    return withoutPath(resolveWebHealthCheck({}));
  }

  /**
   * The fastest detection AWS allows: every 5 s, 2 failures to leave, 2 successes to join, 4 s timeout.
   * A dead target leaves rotation within about 14 s instead of 63 s, for 6 times the health-check requests.
   */
  public static fast(): WebHealthCheck {
    return withoutPath(resolveWebHealthCheck({ interval: Duration.seconds(5), timeout: Duration.seconds(4) }));
  }

  private constructor() {}
}

/** The settings of a health check, leaving its path to the application. */
function withoutPath(healthCheck: ResolvedWebHealthCheck): WebHealthCheck {
  const { path: _path, ...settings } = healthCheck;
  return settings;
}

/** A health check with every field filled in. */
export interface ResolvedWebHealthCheck {
  readonly path: string;
  readonly interval: Duration;
  readonly timeout: Duration;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  readonly healthyHttpCodes: string;
}

/** HTTP codes as a target group's matcher takes them: "200", "200-299", "200,204" (also read by the drill). */
export const HTTP_CODES = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

/** The characters of a URL path and query (RFC 3986): no spaces, no control characters. */
const PATH_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/;

/** Throws unless `codes` lists HTTP codes or ranges of them, each within 200-499, ranges ascending. */
function checkHealthyHttpCodes(prop: string, codes: string): void {
  if (Token.isUnresolved(codes)) {
    return;
  }
  if (typeof codes !== 'string' || !HTTP_CODES.test(codes)) {
    throw invalidProp(prop, codes, 'must be HTTP codes such as "200", "200-299" or "200,204"');
  }
  for (const part of codes.split(',')) {
    const [low, high = low] = part.split('-').map(Number);
    if (low < 200 || high > 499) {
      throw invalidProp(prop, codes, `must hold only codes from 200 to 499, as target groups accept (${part} is outside)`);
    }
    if (low > high) {
      throw invalidProp(prop, codes, `must write each range low to high (${part} descends)`);
    }
  }
}

/**
 * Fills in the tutorial's defaults and checks each field against the limits AWS enforces on target groups.
 *
 * @param prop the name of the prop, for error messages
 */
export function resolveWebHealthCheck(healthCheck: WebHealthCheck | undefined, prop = 'healthCheck'): ResolvedWebHealthCheck {
  checkPropsObject(prop, healthCheck);
  healthCheck = healthCheck ?? {};
  const resolved: ResolvedWebHealthCheck = {
    path: healthCheck.path ?? '/cgi-bin/ping.py',
    interval: healthCheck.interval ?? Duration.seconds(30),
    timeout: healthCheck.timeout ?? Duration.seconds(3),
    healthyThreshold: healthCheck.healthyThreshold ?? 2,
    unhealthyThreshold: healthCheck.unhealthyThreshold ?? 2,
    healthyHttpCodes: healthCheck.healthyHttpCodes ?? '200',
  };
  const { path, interval, timeout, healthyHttpCodes } = resolved;
  if (!Token.isUnresolved(path)) {
    if (typeof path !== 'string' || !path.startsWith('/') || path.length > 1024) {
      throw invalidProp(`${prop}.path`, path, 'must start with "/" and be at most 1024 characters long');
    }
    if (!PATH_CHARACTERS.test(path)) {
      throw invalidProp(`${prop}.path`, path, 'must hold only the characters of a URL path (letters, digits and -._~!$&\'()*+,;=:@/%?): no spaces or control characters');
    }
  }
  checkSecondsInRange(`${prop}.interval`, interval, 5, 300);
  checkSecondsInRange(`${prop}.timeout`, timeout, 2, 120);
  if (!interval.isUnresolved() && !timeout.isUnresolved() && timeout.toSeconds() >= interval.toSeconds()) {
    throw invalidProp(`${prop}.timeout`, timeout, `must be shorter than ${prop}.interval (${interval.toHumanString()})`);
  }
  checkIntegerInRange(`${prop}.healthyThreshold`, resolved.healthyThreshold, 2, 10);
  checkIntegerInRange(`${prop}.unhealthyThreshold`, resolved.unhealthyThreshold, 2, 10);
  checkHealthyHttpCodes(`${prop}.healthyHttpCodes`, healthyHttpCodes);
  return resolved;
}

/**
 * The worst-case time from a target's death until the load balancer stops routing to it:
 * `interval x unhealthyThreshold + timeout`.
 */
export function failoverWindow(healthCheck: ResolvedWebHealthCheck): Duration {
  return timesPlus(healthCheck.interval, healthCheck.unhealthyThreshold, healthCheck.timeout);
}

/**
 * The longest a healthy new target waits to be reported healthy: `healthyThreshold x interval` (its first check
 * comes within one interval of registration).
 */
export function healthyAfter(healthCheck: ResolvedWebHealthCheck): Duration {
  return timesPlus(healthCheck.interval, healthCheck.healthyThreshold, Duration.seconds(0));
}

/** `interval x count + extra`, in seconds; deferred to synthesis when any of them is an unresolved token. */
function timesPlus(interval: Duration, count: number, extra: Duration): Duration {
  const compute = (i: number, n: number, e: number) => i * n + e;
  if (interval.isUnresolved() || extra.isUnresolved() || Token.isUnresolved(count)) {
    const deferred: IResolvable = {
      creationStack: [],
      resolve: (context: IResolveContext) =>
        compute(context.resolve(interval.toSeconds()), context.resolve(count), context.resolve(extra.toSeconds())),
      toString: () => 'WebHealthCheckSeconds',
    };
    return Duration.seconds(Token.asNumber(deferred));
  }
  return Duration.seconds(compute(interval.toSeconds(), count, extra.toSeconds()));
}
