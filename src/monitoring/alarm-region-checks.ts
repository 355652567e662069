import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { invalidProp, warn } from '../validation';

/** Where an AWS service looks up the alarms it is given, and what it does with one from elsewhere. */
export interface AlarmLookup {
  /** Whether the alarm must also be of the stack's account (the service takes alarm names, not ARNs). */
  readonly sameAccount: boolean;
  /** What the service does with such an alarm, for the message. */
  readonly consequence: string;
}

/**
 * An instance refresh's `AlarmSpecification` lists alarm names, which Auto Scaling looks up in the group's own Region
 * and account: an alarm of another one is never seen, or fails the refresh
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AlarmSpecification.html).
 */
export const INSTANCE_REFRESH_ALARMS: AlarmLookup = {
  sameAccount: true,
  consequence: 'an instance refresh takes alarm names (AlarmSpecification) and looks them up in the Auto Scaling group\'s own Region and account',
};

/**
 * ARC takes practice-run alarms by ARN, and they must be in the Region of the resource
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/getting-started-cli-update-zonal_autoshift.create-practice-run.html).
 */
export const PRACTICE_RUN_ALARMS: AlarmLookup = {
  sameAccount: false,
  consequence: 'ARC requires the alarms of a practice run to be in the Region of the load balancer',
};

/**
 * The Region and account of an alarm: from its ARN when it is known at synthesis (`Alarm.fromAlarmArn` keeps the
 * importing stack's env, not the ARN's), else the env of the stack that makes it.
 */
function alarmEnvironment(alarm: cloudwatch.IAlarm): { region: string; account: string } {
  if (!Token.isUnresolved(alarm.alarmArn)) {
    const [, , , region, account] = alarm.alarmArn.split(':'); // arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>
    if (region !== undefined && account !== undefined) {
      return { region, account };
    }
  }
  return { region: alarm.env.region, account: alarm.env.account };
}

/**
 * Refuses an alarm of another Region (and, with `lookup.sameAccount`, another account) than the stack's, naming
 * `prop[i]`; warns when one side is a deploy-time token and the other is not, as the check must then wait for the deploy.
 * Alarms made in the stack carry the stack's own Region and account, and pass. Without `warnings` (the one-liner's early
 * check, before the part that warns is built), only refuses.
 */
export function checkAlarmsEnvironment(scope: Construct, prop: string, alarms: cloudwatch.IAlarm[] | undefined, lookup: AlarmLookup,
  warnings = true): void {
  if (!Array.isArray(alarms)) {
    return;
  }
  const stack = Stack.of(scope);
  alarms.forEach((alarm, i) => {
    if (alarm === null || typeof alarm !== 'object' || typeof alarm.alarmArn !== 'string' || alarm.env === undefined) {
      throw invalidProp(`${prop}[${i}]`, alarm, 'must be a CloudWatch alarm (cloudwatch.IAlarm)');
    }
    const where = alarmEnvironment(alarm);
    const sides: Array<[string, string, string]> = [['Region', where.region, stack.region]];
    if (lookup.sameAccount) {
      sides.push(['account', where.account, stack.account]);
    }
    for (const [what, theirs, ours] of sides) {
      if (theirs === ours) {
        continue;
      }
      const name = Token.isUnresolved(alarm.alarmArn) ? alarm.node.path : alarm.alarmArn;
      if (Token.isUnresolved(theirs) || Token.isUnresolved(ours)) {
        if (!warnings) {
          continue;
        }
        warn(scope, 'alarmEnvironmentUnknown', `${prop}[${i}] (${name}): its ${what} or the stack's is known only at deploy, so it cannot be ` +
          `checked that they are the same; ${lookup.consequence}`);
        continue;
      }
      throw invalidProp(`${prop}[${i}]`, name, `must be an alarm of the stack's ${what} ${ours}, not ${theirs}: ${lookup.consequence}`);
    }
  });
}
