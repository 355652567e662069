import { Duration } from 'aws-cdk-lib';
import type { WebFleetProps } from './web-fleet-props';
import { checkCapacity, checkInstanceType, checkIntegerInRange, checkSecondsInRange, invalidProp } from '../validation';

/**
 * The head start the web user-data gives `signal-ready.sh` for the launch before the user-data runs
 * (`WEBTIER_READY_MARGIN`): its FAILURE must reach CloudFormation before the group's own timeout.
 */
export const READY_MARGIN_SECONDS = 90;

/** The least time the boot script needs to install Python and redis-py and start the app. */
export const BOOTSTRAP_SECONDS = 120;

/** The shortest deploy timeout a new server can meet before any health check: the margin and the bootstrap. */
export const BOOT_SECONDS = READY_MARGIN_SECONDS + BOOTSTRAP_SECONDS;

/** The web fleet's settings, as the part or the one-liner takes them. */
export type WebFleetSettings = Pick<WebFleetProps,
'webPort' | 'instanceType' | 'minCapacity' | 'maxCapacity' | 'desiredCapacity' | 'cpuTargetUtilizationPercent' | 'deployTimeout'>;

/** The names the caller's API gives these settings: `WebFleet` uses the field names, the one-liner `web...`. */
export type WebFleetSettingNames = Record<keyof WebFleetSettings, string>;

/** The names of `WebFleetProps`. */
export const WEB_FLEET_NAMES: WebFleetSettingNames = {
  webPort: 'webPort',
  instanceType: 'instanceType',
  minCapacity: 'minCapacity',
  maxCapacity: 'maxCapacity',
  desiredCapacity: 'desiredCapacity',
  cpuTargetUtilizationPercent: 'cpuTargetUtilizationPercent',
  deployTimeout: 'deployTimeout',
};

/** The settings with their defaults. */
export interface ResolvedWebFleetSettings {
  readonly webPort: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

/**
 * Fills in the defaults and checks the settings, naming each as the caller's API does: the port (1024 or more: the app
 * runs unprivileged), the instance type, the capacities, CPU scaling and the deploy timeout (long enough to boot).
 */
export function resolveWebFleetSettings(settings: WebFleetSettings, names: WebFleetSettingNames): ResolvedWebFleetSettings {
  const webPort = settings.webPort ?? 8000;
  checkIntegerInRange(names.webPort, webPort, 1, 65535);
  if (webPort === 22) {
    throw invalidProp(names.webPort, webPort, 'must not be 22: the bastion reaches the web servers by SSH on port 22, and the web app could not bind it');
  }
  if (webPort < 1024) {
    throw invalidProp(names.webPort, webPort, 'must be from 1024 to 65535: the web app runs as an unprivileged user, which cannot bind ports below 1024 ' +
      '(the load balancer still serves clients on 80 and 443)');
  }
  checkInstanceType(names.instanceType, settings.instanceType);
  const minCapacity = settings.minCapacity ?? 2;
  const maxCapacity = settings.maxCapacity ?? Math.max(2, minCapacity);
  checkCapacity(
    { minName: names.minCapacity, maxName: names.maxCapacity, desiredName: names.desiredCapacity },
    { min: minCapacity, max: maxCapacity, desired: settings.desiredCapacity },
  );
  checkIntegerInRange(names.cpuTargetUtilizationPercent, settings.cpuTargetUtilizationPercent, 1, 100);
  if (settings.cpuTargetUtilizationPercent !== undefined && minCapacity < 2) {
    throw invalidProp(names.minCapacity, minCapacity, 'must be 2 or more with CPU scaling: scaling in must never leave fewer than 2 web servers');
  }
  checkSecondsInRange(names.deployTimeout, settings.deployTimeout, 60, 12 * 3600);
  return { webPort, minCapacity, maxCapacity };
}

/**
 * Throws unless the deploy timeout leaves a new server time to launch, boot (`BOOT_SECONDS`) and then be reported
 * healthy (`healthyAfter`, 0 without a load balancer); unresolved values pass.
 */
export function checkDeployTimeout(prop: string, deployTimeout: Duration | undefined, healthyAfter: Duration, healthyAfterText: string): void {
  if (deployTimeout === undefined || deployTimeout.isUnresolved() || healthyAfter.isUnresolved()) {
    return;
  }
  const needed = BOOT_SECONDS + healthyAfter.toSeconds();
  if (deployTimeout.toSeconds() <= needed) {
    const healthCheck = healthyAfterText ? `${healthyAfterText} plus ` : '';
    throw invalidProp(prop, deployTimeout, `must be longer than ${healthCheck}${BOOT_SECONDS} seconds ` +
      `for a new server to launch (${READY_MARGIN_SECONDS} s) and install and start the app (${BOOTSTRAP_SECONDS} s), ` +
      `${needed} seconds in all: a shorter timeout fails every deploy`);
  }
}

/**
 * Why the deploy timeout cannot cover a boot and the target group's health check as the template has it
 * (`healthyAfter`, when known), or `undefined`: for a validation at synthesis, as the target group may change.
 */
export function deployTimeoutProblem(prop: string, deployTimeout: Duration, healthyAfter: Duration | undefined): string | undefined {
  if (healthyAfter === undefined) {
    return undefined;
  }
  try {
    checkDeployTimeout(prop, deployTimeout, healthyAfter, `the targetGroup's healthyThreshold x interval (${healthyAfter.toSeconds()} seconds)`);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
