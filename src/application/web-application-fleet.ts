import { Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { givenHealthCheckPath, WebApplication } from './web-application';
import { checkSecretReadable, nameSaysSecret, secretCarriedBy } from './web-application-secret';
import { invalidProp, warn } from '../validation';

/** A secret as the boot reads it: only where it is, never its value. */
export interface BootSecret {
  readonly arn: string;
  readonly field?: string;
}

/** What a web fleet takes from its application, beyond the application's own fields. */
export interface FleetApplication {
  /** The page the boot's readiness check asks: always the one the target group checks. */
  readonly healthCheckPath: string;
  /** The secrets the boot reads into the environment file, by variable name. */
  readonly secrets: Record<string, BootSecret>;
  /** The statements that let the web servers read those secrets, and nothing else. */
  readonly secretStatements: iam.PolicyStatement[];
}

/** The path an ALB target group checks when none is set. */
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html (HealthCheckPath, default /)
const TARGET_GROUP_DEFAULT_PATH = '/';

/** The path the target group checks, when the target group is one this app builds (an imported one cannot be read). */
function targetGroupPath(targetGroup: elbv2.IApplicationTargetGroup | undefined): string | undefined {
  if (!(targetGroup instanceof elbv2.TargetGroupBase)) {
    return undefined;
  }
  return targetGroup.healthCheck?.path ?? TARGET_GROUP_DEFAULT_PATH;
}

/**
 * The one health path of a fleet: the target group's when the fleet registers in one this app builds (which the
 * one-liner sets to its `healthCheck.path` or the application's `healthCheckPath`), else the application's.
 * Throws when the application names a path of its own that the target group does not check: the boot would wait
 * for one page and the load balancer for another, and a deploy would roll back.
 */
export function fleetHealthCheckPath(scope: Construct, application: WebApplication, targetGroup?: elbv2.IApplicationTargetGroup): string {
  const checked = targetGroupPath(targetGroup);
  if (checked === undefined) {
    return application.healthCheckPath;
  }
  const given = givenHealthCheckPath(application);
  if (given !== undefined && !Token.isUnresolved(given) && !Token.isUnresolved(checked) && given !== checked) {
    throw invalidProp('application', given, `names healthCheckPath ${JSON.stringify(given)} but the targetGroup's health check ` +
      `asks ${JSON.stringify(checked)}: give one path, the same for both (the boot waits for the page the load balancer checks)`);
  }
  // The target group's path may still be changed (configureHealthCheck) after the fleet is made: check at synthesis.
  scope.node.addValidation({
    validate: () => {
      const now = targetGroupPath(targetGroup);
      return now === checked ? [] : [`The targetGroup's health check path changed to ${JSON.stringify(now)} after the web fleet was made ` +
        `(its boot waits for ${JSON.stringify(checked)}): set the path before making the WebFleet, or give it as the application's healthCheckPath`];
    },
  });
  return checked;
}

/** The props of the application that go into the user-data as they are. */
function plainValues(application: WebApplication): Array<[string, string]> {
  return [
    ['startCommand', application.startCommand],
    ...application.installCommands.map((command, i): [string, string] => [`installCommands[${i}]`, command]),
    ...Object.entries(application.environment).map(([name, value]): [string, string] => [`environment.${name}`, value]),
  ];
}

/**
 * Warns, on `scope`, of each secret in a plain value of the application (`environment`, `startCommand`,
 * `installCommands`): it would be plaintext in the launch template's user-data.
 */
function warnOfSecretsInPlainValues(scope: Construct, application: WebApplication): void {
  for (const [prop, value] of plainValues(application)) {
    const secret = secretCarriedBy(scope, value);
    if (secret !== undefined) {
      warn(scope, 'secretInPlainValue', `${prop} holds ${secret}: it becomes plaintext in the launch template's user-data, which ` +
        'anyone allowed to describe the launch template or the instance can read. Use the application\'s `secrets` ' +
        '(WebApplicationSecret.fromSecretsManager or fromSsmParameter): the servers read it at boot into the environment file.');
    }
  }
  for (const [name, value] of Object.entries(application.environment)) {
    if (nameSaysSecret(name) && !Token.isUnresolved(value) && value !== '' && secretCarriedBy(scope, value) === undefined) {
      warn(scope, 'secretNamedInEnvironment', `environment.${name} is named like a secret and its value is plaintext in the launch ` +
        'template\'s user-data. If it is a secret, keep it in Secrets Manager or SSM and give it as the application\'s `secrets`.');
    }
  }
}

/** Checks the application against the fleet it runs on, and gives what the fleet's boot and role need. */
export function fleetApplication(scope: Construct, application: WebApplication, targetGroup?: elbv2.IApplicationTargetGroup): FleetApplication {
  warnOfSecretsInPlainValues(scope, application);
  const secrets: Record<string, BootSecret> = {};
  const statements: iam.PolicyStatement[] = [];
  for (const [name, secret] of Object.entries(application.secrets)) {
    checkSecretReadable(scope, `secrets.${name}`, secret);
    secrets[name] = { arn: secret.arn, field: secret.field };
    statements.push(...secret.policyStatements());
  }
  return { healthCheckPath: fleetHealthCheckPath(scope, application, targetGroup), secrets, secretStatements: merged(statements) };
}

/** The sid of a merged statement, by action (and, for kms:Decrypt, the service it decrypts through). */
function sidOf(action: string, conditions: Record<string, unknown>): string | undefined {
  if (action === 'kms:Decrypt') {
    return JSON.stringify(conditions).includes('"ssm.') ? 'DecryptApplicationParameters' : 'DecryptApplicationSecrets';
  }
  return { 'secretsmanager:GetSecretValue': 'ReadApplicationSecrets', 'ssm:GetParameters': 'ReadApplicationParameters' }[action];
}

/**
 * One statement per action and condition, listing each resource once: a managed policy holds at most 6,144
 * characters, so many secrets must not cost a statement each.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
function merged(statements: iam.PolicyStatement[]): iam.PolicyStatement[] {
  const groups = new Map<string, { actions: string[]; conditions: Record<string, unknown>; resources: string[] }>();
  for (const statement of statements) {
    const key = JSON.stringify({ actions: statement.actions, conditions: statement.conditions });
    const group = groups.get(key) ?? { actions: [...statement.actions], conditions: statement.conditions, resources: [] as string[] };
    group.resources.push(...statement.resources.filter(r => !group.resources.includes(r)));
    groups.set(key, group);
  }
  return [...groups.values()].map(({ actions, conditions, resources }) => new iam.PolicyStatement({
    sid: sidOf(actions[0], conditions),
    actions,
    resources,
    conditions: Object.keys(conditions).length > 0 ? conditions : undefined,
  }));
}

/**
 * Throws when the one-liner's `healthCheck.path` and the application's `healthCheckPath` are both given and differ:
 * one of them would be ignored by the load balancer or by the boot.
 */
export function checkTierHealthPath(healthCheckPath: string | undefined, application: WebApplication | undefined): void {
  const given = application === undefined ? undefined : givenHealthCheckPath(application);
  if (healthCheckPath === undefined || healthCheckPath === null || given === undefined
    || Token.isUnresolved(healthCheckPath) || Token.isUnresolved(given) || healthCheckPath === given) {
    return;
  }
  throw invalidProp('healthCheck.path', healthCheckPath, `differs from the application's healthCheckPath (${JSON.stringify(given)}): ` +
    'the load balancer and the boot\'s readiness check must ask the same page; give the path once (either prop), or the same in both');
}
