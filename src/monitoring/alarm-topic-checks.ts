import { Stack, Token } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { invalidProp } from '../validation';

/**
 * Refuses an alarm topic in another Region than the stack's, when both are known: a CloudWatch alarm's SNS action
 * must be a topic of the alarm's own Region, and CloudFormation fails the alarm at deploy otherwise
 * (PutMetricAlarm, `AlarmActions`: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 * A topic of another account is legal (its topic policy must let CloudWatch publish) and not checked.
 */
export function checkAlarmTopicRegion(scope: Construct, prop: string, topic: sns.ITopic | undefined): void {
  if (topic === undefined || topic === null) {
    return;
  }
  if (typeof topic !== 'object' || typeof (topic as sns.ITopic).topicArn !== 'string') {
    throw invalidProp(prop, topic, 'must be an sns.ITopic, such as sns.Topic.fromTopicArn(this, \'Alarms\', \'arn:aws:sns:...\')');
  }
  const stackRegion = Stack.of(scope).region;
  const arn = topic.topicArn;
  if (Token.isUnresolved(stackRegion) || Token.isUnresolved(arn)) {
    return;
  }
  const region = arn.split(':')[3]; // arn:<partition>:sns:<region>:<account>:<name>
  if (region && region !== stackRegion) {
    throw invalidProp(prop, arn, `must be an SNS topic of the stack's Region ${stackRegion}: CloudWatch alarms notify only topics ` +
      'of their own Region, and CloudFormation would fail every alarm at deploy');
  }
}

/** Refuses `alarmTopic` with `monitoring: false`: without monitoring there is no alarm to notify it. */
export function checkAlarmTopicWithMonitoring(monitoring: boolean | undefined, topic: sns.ITopic | undefined): void {
  if (monitoring === false && topic !== undefined && topic !== null) {
    throw invalidProp('alarmTopic', Token.isUnresolved(topic.topicArn) ? 'a topic' : topic.topicArn,
      'has no effect with monitoring: false (no alarm is made to notify it): leave alarmTopic out, or turn monitoring on');
  }
}
