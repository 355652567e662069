import { Token } from 'aws-cdk-lib';
import { invalidProp } from '../validation';

/**
 * A request a new web server must answer correctly before it joins the target group (before any user request
 * reaches it): the server sends it to its own application, on 127.0.0.1 and the application's real port, after its
 * boot and before it completes its launch lifecycle action. A release whose new servers fail one is rolled back at once.
 */
export interface ReleaseCheck {
  /**
   * The path asked, starting with `/` (a query string may follow), without spaces or control characters, at most 1024
   * characters.
   */
  readonly path: string;

  /**
   * The HTTP method: GET, HEAD or OPTIONS (a check must not change the application's data: it runs on every new server
   * of every release).
   *
   * @default "GET"
   */
  readonly method?: string;

  /**
   * The status code the answer must have, from 100 to 599.
   *
   * @default 200
   */
  readonly expectedStatus?: number;

  /**
   * Text the body of the answer must contain (compared byte for byte), at most 256 characters, on one line.
   *
   * @default - any body
   */
  readonly bodyContains?: string;
}

/** A release check with its defaults. */
export interface ResolvedReleaseCheck {
  readonly path: string;
  readonly method: string;
  readonly expectedStatus: number;
  readonly bodyContains?: string;
}

/** The methods a check may use: the safe methods of RFC 9110 section 9.2.1 that curl sends without a body. */
export const RELEASE_CHECK_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/** The most checks a server runs: each one is a line of the user-data (16 KB in all) and time before the server serves. */
export const MAX_RELEASE_CHECKS = 10;

/** The longest `bodyContains`. */
const MAX_BODY_TEXT = 256;

/** The characters of a URL path and query (RFC 3986), as the target group's health check path allows them. */
const PATH_CHARACTERS = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/;

/**
 * Checks the release checks and fills in their defaults, naming the prop as the caller spelled it; unresolved
 * values pass (they cannot be checked before deployment).
 */
export function resolveReleaseChecks(checks: ReleaseCheck[], prop: string): ResolvedReleaseCheck[] {
  if (!Array.isArray(checks)) {
    throw invalidProp(prop, checks, 'must be a list of checks such as [{ path: "/" }]');
  }
  if (checks.length > MAX_RELEASE_CHECKS) {
    throw invalidProp(prop, `${checks.length} checks`, `must hold at most ${MAX_RELEASE_CHECKS} checks: each new server runs every one before it serves`);
  }
  return checks.map((check, index) => resolveCheck(check, `${prop}[${index}]`));
}

function resolveCheck(check: ReleaseCheck, prop: string): ResolvedReleaseCheck {
  if (check === null || typeof check !== 'object') {
    throw invalidProp(prop, check, 'must be a check such as { path: "/" }');
  }
  const { path, method = 'GET', expectedStatus = 200, bodyContains } = check;
  if (!Token.isUnresolved(path)) {
    if (typeof path !== 'string' || !path.startsWith('/') || path.length > 1024) {
      throw invalidProp(`${prop}.path`, path, 'must start with "/" and be at most 1024 characters long');
    }
    if (!PATH_CHARACTERS.test(path)) {
      throw invalidProp(`${prop}.path`, path, 'must hold only the characters of a URL path and query (letters, digits and -._~!$&\'()*+,;=:@/%?): no spaces or control characters');
    }
  }
  if (!Token.isUnresolved(method) && (typeof method !== 'string' || !RELEASE_CHECK_METHODS.includes(method))) {
    throw invalidProp(`${prop}.method`, method, `must be one of ${RELEASE_CHECK_METHODS.join(', ')} (upper case): a check must not change the application's data`);
  }
  if (!Token.isUnresolved(expectedStatus) && (typeof expectedStatus !== 'number' || !Number.isInteger(expectedStatus) || expectedStatus < 100 || expectedStatus > 599)) {
    throw invalidProp(`${prop}.expectedStatus`, expectedStatus, 'must be an HTTP status code, a whole number from 100 to 599');
  }
  if (bodyContains !== undefined && !Token.isUnresolved(bodyContains)) {
    // eslint-disable-next-line no-control-regex
    if (typeof bodyContains !== 'string' || bodyContains === '' || bodyContains.length > MAX_BODY_TEXT || /[\x00-\x1f\x7f]/.test(bodyContains)) {
      throw invalidProp(`${prop}.bodyContains`, bodyContains, `must be text of 1 to ${MAX_BODY_TEXT} characters on one line (no control characters)`);
    }
    if (method === 'HEAD') {
      throw invalidProp(`${prop}.bodyContains`, bodyContains, 'must be left out for a HEAD check: a HEAD answer has no body');
    }
  }
  return { path, method, expectedStatus, bodyContains };
}

/**
 * The checks as the boot's runner (`release-checks.sh`) reads them: one per line, `METHOD STATUS PATH` and, when
 * the body must contain a text, a tab and the text.
 */
export function encodeReleaseChecks(checks: ReleaseCheck[]): string {
  return checks.map((c) => `${c.method ?? 'GET'} ${c.expectedStatus ?? 200} ${c.path}${c.bodyContains !== undefined ? `\t${c.bodyContains}` : ''}`).join('\n');
}
