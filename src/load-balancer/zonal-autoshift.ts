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
 * each; at most 10 blocking alarms, CloudWatch alarms in the resource's Region.
 */
export interface WebZonalAutoshiftOptions {
  /**
   * Alarms that keep ARC from starting a practice run while any of them is in ALARM (a deploy in progress, a load test).
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
 */
export class WebZonalAutoshift extends Construct {
  /** The zonal autoshift configuration, with its practice-run configuration. */
  public readonly resource: arczonalshift.CfnZonalAutoshiftConfiguration;

  constructor(scope: Construct, id: string, props: WebZonalAutoshiftProps) {
    super(scope, id);
    checkZonalAutoshiftOptions(props);
    checkAutoshiftTarget(this, props);
    checkList('outcomeAlarms', props.outcomeAlarms, '[monitoring.elb5xxAlarm]');
    if (!Token.isUnresolved(props.outcomeAlarms) && (props.outcomeAlarms.length < 1 || props.outcomeAlarms.length > 10)) {
      throw invalidProp('outcomeAlarms', `${props.outcomeAlarms.length} alarms`,
        'must be 1 to 10 alarms: AWS requires an outcome alarm to end a practice run that hurts clients');
    }
    const condition = (alarm: cloudwatch.IAlarm) => ({ type: 'CLOUDWATCH', alarmIdentifier: alarm.alarmArn });
    const blockingAlarms = props.blockingAlarms ?? [];
    this.resource = new arczonalshift.CfnZonalAutoshiftConfiguration(this, 'Resource', {
      resourceIdentifier: props.loadBalancer.loadBalancerArn,
      zonalAutoshiftStatus: 'ENABLED',
      practiceRunConfiguration: {
        outcomeAlarms: props.outcomeAlarms.map(condition),
        blockingAlarms: blockingAlarms.length ? blockingAlarms.map(condition) : undefined,
        blockedWindows: props.blockedWindows?.length ? props.blockedWindows : undefined,
        blockedDates: props.blockedDates?.length ? props.blockedDates : undefined,
      },
    });
  }
}

/** Checks the blocked windows, dates and alarms against AWS's rules, naming them with `prefix` (the one-liner's `zonalAutoshift.`). */
export function checkZonalAutoshiftOptions(options: WebZonalAutoshiftOptions, prefix = ''): void {
  const lists: Array<[string, unknown[] | undefined, string, number]> = [
    ['blockingAlarms', options.blockingAlarms, '[deployAlarm]', 10],
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
