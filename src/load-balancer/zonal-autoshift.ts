import { Token } from 'aws-cdk-lib';
import * as arczonalshift from 'aws-cdk-lib/aws-arczonalshift';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { checkAutoshiftTarget } from './zonal-autoshift-checks';
import { checkList, invalidProp } from '../validation';

/**
 * The options of zonal autoshift a user chooses: when practice runs must not start.
 *
 * AWS's rules (https://docs.aws.amazon.com/arc-zonal-shift/latest/api/API_PracticeRunConfiguration.html): blocked
 * windows `DAY:HH:MM-DAY:HH:MM` in UTC starting and ending on the same day, blocked dates `YYYY-MM-DD`, at most 15 of
 * each; CloudWatch alarms in the resource's Region. CloudFormation takes one blocking alarm (see `WebZonalAutoshift`):
 * the tier combines up to 10 into one composite alarm.
 */
export interface WebZonalAutoshiftOptions {
  /**
   * Alarms that keep ARC from starting a practice run, and end one in progress, while any of them is in ALARM (a deploy
   * in progress, a load test); 1 to 10, combined into one composite alarm when there are several.
   *
   * @default - none
   */
  readonly blockingAlarms?: cloudwatch.IAlarm[];

  /**
   * Weekly windows, in UTC, when no practice run starts, such as `Mon:09:00-Mon:10:30`; each starts and ends on the
   * same day.
   *
   * @default - none
   */
  readonly blockedWindows?: string[];

  /**
   * Dates, in UTC, when no practice run starts, such as `2026-12-24`.
   *
   * @default - none
   */
  readonly blockedDates?: string[];
}

/** Properties of a `WebZonalAutoshift`. */
export interface WebZonalAutoshiftProps extends WebZonalAutoshiftOptions {
  /** The load balancer AWS may shift traffic away from an AZ for; its `zonal_shift.config.enabled` attribute must be true. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /**
   * The alarms that end a practice run when any of them goes to ALARM (1 to 10): the ones on what clients see.
   * Several are combined into one composite alarm, the one outcome alarm CloudFormation takes.
   */
  readonly outcomeAlarms: cloudwatch.IAlarm[];
}

const DAYS = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const TIME = '([01]\\d|2[0-3]):([0-5]\\d)';
const WINDOW = new RegExp(`^${DAYS}:${TIME}-${DAYS}:${TIME}$`);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Zonal autoshift for the load balancer (`AWS::ARCZonalShift::ZonalAutoshiftConfiguration`): AWS shifts the load
 * balancer's traffic away from an AZ when its own telemetry shows that AZ impaired, and back when it recovers.
 *
 * AWS requires weekly practice runs: ARC shifts traffic away from one AZ on its own schedule (outside the blocked
 * windows and dates, not while a blocking alarm is in ALARM) and ends the run early when an outcome alarm goes to ALARM
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-arczonalshift-zonalautoshiftconfiguration.html,
 * https://docs.aws.amazon.com/r53recovery/latest/dg/getting-started-cli-update-zonal_autoshift.create-practice-run.html).
 * Meanwhile the servers of that AZ take no traffic: the fleet must carry the load without them (static stability).
 *
 * CloudFormation's resource schema of `AWS::ARCZonalShift::ZonalAutoshiftConfiguration` takes exactly one outcome
 * alarm and at most one blocking alarm (`PracticeRunConfiguration.OutcomeAlarms` and `BlockingAlarms`: minItems 1,
 * maxItems 1; the schema cfn-lint 1.51.0 ships). ARC's guide describes the same pair, "the outcome alarm" that ends a
 * run in ALARM (outcome FAILED) and "the blocking alarm" that keeps runs from starting or continuing
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/arc-zonal-autoshift.how-it-works.alarms.html). Each is a
 * CloudWatch alarm named by its ARN (`ControlCondition`, type `CLOUDWATCH`,
 * https://docs.aws.amazon.com/arc-zonal-shift/latest/api/API_ControlCondition.html); a composite alarm is one
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html). So when several
 * alarms are given, the tier combines them into one composite alarm whose rule is "any of them in ALARM": the meaning
 * of the list is kept. One alarm is used as it is.
 */
export class WebZonalAutoshift extends Construct {
  /** The zonal autoshift configuration, with its practice-run configuration. */
  public readonly resource: arczonalshift.CfnZonalAutoshiftConfiguration;

  /** The one outcome alarm of the practice runs: the alarm given, or the composite alarm of the alarms given. */
  public readonly outcomeAlarm: cloudwatch.IAlarm;

  /**
   * The one blocking alarm of the practice runs: the alarm given, or the composite alarm of the alarms given.
   *
   * @default - none, without `blockingAlarms`
   */
  public readonly blockingAlarm?: cloudwatch.IAlarm;

  constructor(scope: Construct, id: string, props: WebZonalAutoshiftProps) {
    super(scope, id);
    checkZonalAutoshiftOptions(props);
    checkAutoshiftTarget(this, props);
    checkAlarms('outcomeAlarms', props.outcomeAlarms, '[monitoring.elb5xxAlarm]', 1,
      'AWS requires an outcome alarm to end a practice run that hurts clients, and the tier combines them into the one CloudFormation takes');
    this.outcomeAlarm = oneAlarm(this, 'OutcomeAlarm', props.outcomeAlarms,
      'Zonal autoshift practice runs end when this is in ALARM: any of the outcome alarms is');
    const blocking = props.blockingAlarms ?? [];
    this.blockingAlarm = blocking.length ? oneAlarm(this, 'BlockingAlarm', blocking,
      'Zonal autoshift practice runs do not start or go on while this is in ALARM: any of the blocking alarms is') : undefined;
    const condition = (alarm: cloudwatch.IAlarm) => ({ type: 'CLOUDWATCH', alarmIdentifier: alarm.alarmArn });
    this.resource = new arczonalshift.CfnZonalAutoshiftConfiguration(this, 'Resource', {
      resourceIdentifier: props.loadBalancer.loadBalancerArn,
      zonalAutoshiftStatus: 'ENABLED',
      practiceRunConfiguration: {
        outcomeAlarms: [condition(this.outcomeAlarm)],
        blockingAlarms: this.blockingAlarm ? [condition(this.blockingAlarm)] : undefined,
        blockedWindows: props.blockedWindows?.length ? props.blockedWindows : undefined,
        blockedDates: props.blockedDates?.length ? props.blockedDates : undefined,
      },
    });
  }
}

/** The alarm itself when there is one; otherwise a composite alarm in ALARM while any of them is. */
function oneAlarm(scope: Construct, id: string, alarms: cloudwatch.IAlarm[], description: string): cloudwatch.IAlarm {
  if (alarms.length === 1) return alarms[0];
  return new cloudwatch.CompositeAlarm(scope, id, {
    alarmRule: cloudwatch.AlarmRule.anyOf(...alarms),
    alarmDescription: description,
  });
}

/** The most alarms the tier combines into one (AWS's former API limit of 10; a composite rule stays far below its 10240 characters). */
const MAX_ALARMS = 10;

/** Throws unless `alarms` is a list of `min` to 10 CloudWatch alarms. */
function checkAlarms(prop: string, alarms: unknown, example: string, min: number, why: string): void {
  checkList(prop, alarms, example);
  if (alarms === undefined || Token.isUnresolved(alarms)) return;
  const list = alarms as unknown[];
  if (list.length < min || list.length > MAX_ALARMS) {
    throw invalidProp(prop, `${list.length} alarms`, `must be ${min} to ${MAX_ALARMS} alarms: ${why}`);
  }
  list.forEach((alarm, i) => {
    const arn = (alarm as { alarmArn?: unknown } | null)?.alarmArn;
    if (typeof arn !== 'string') {
      throw invalidProp(`${prop}[${i}]`, alarm, `must be a CloudWatch alarm (cloudwatch.IAlarm), such as ${example.slice(1, -1)}`);
    }
  });
}

/** Checks the blocked windows, dates and alarms against AWS's rules, naming them with `prefix` (the one-liner's `zonalAutoshift.`). */
export function checkZonalAutoshiftOptions(options: WebZonalAutoshiftOptions, prefix = ''): void {
  checkAlarms(`${prefix}blockingAlarms`, options.blockingAlarms, '[deployAlarm]', 0,
    'the tier combines them into the one blocking alarm CloudFormation takes');
  const lists: Array<[string, unknown[] | undefined, string, number]> = [
    ['blockedWindows', options.blockedWindows, '["Mon:09:00-Mon:10:30"]', 15],
    ['blockedDates', options.blockedDates, '["2026-12-24"]', 15],
  ];
  for (const [name, list, example, max] of lists) {
    checkList(`${prefix}${name}`, list, example);
    if (list !== undefined && !Token.isUnresolved(list) && list.length > max) {
      throw invalidProp(`${prefix}${name}`, `${list.length} entries`, `must have at most ${max} entries: AWS accepts no more`);
    }
  }
  (options.blockedWindows ?? []).forEach((window, i) => {
    if (Token.isUnresolved(window)) return;
    const match = WINDOW.exec(window);
    if (!match) {
      throw invalidProp(`${prefix}blockedWindows[${i}]`, window, 'must be DAY:HH:MM-DAY:HH:MM in UTC, such as "Mon:09:00-Mon:10:30" (days Mon to Sun)');
    }
    const [, startDay, startH, startM, endDay, endH, endM] = match;
    if (startDay !== endDay) {
      throw invalidProp(`${prefix}blockedWindows[${i}]`, window, 'must start and end on the same day: AWS does not support windows that span days');
    }
    if (Number(endH) * 60 + Number(endM) <= Number(startH) * 60 + Number(startM)) {
      throw invalidProp(`${prefix}blockedWindows[${i}]`, window, 'must end after it starts');
    }
  });
  (options.blockedDates ?? []).forEach((date, i) => {
    if (Token.isUnresolved(date)) return;
    const match = DATE.exec(date);
    const parsed = match ? new Date(`${date}T00:00:00Z`) : undefined;
    if (!match || !parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
      throw invalidProp(`${prefix}blockedDates[${i}]`, date, 'must be a calendar date YYYY-MM-DD in UTC, such as "2026-12-24"');
    }
  });
}
