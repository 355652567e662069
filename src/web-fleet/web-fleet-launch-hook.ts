import { Aws, Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';

/** The name of the web servers' launch lifecycle hook. */
export const LAUNCH_HOOK_NAME = 'webtier-launching';

/** The longest a lifecycle hook may wait for its heartbeat (HeartbeatTimeout: 30 to 7200 seconds). */
const MAX_HEARTBEAT_SECONDS = 7200;

/** Every Auto Scaling group of this account and region, as an ARN pattern. */
export const LAUNCH_HOOK_GROUPS = `arn:${Aws.PARTITION}:autoscaling:${Aws.REGION}:${Aws.ACCOUNT_ID}:autoScalingGroup:*:autoScalingGroupName/*`;

/**
 * The launch lifecycle hook, on the group itself (not a LifecycleHook resource made after it), so that the first
 * servers wait too. https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html: a server in
 * Pending:Wait is not yet registered with the target group; CONTINUE puts it in service, ABANDON (or the timeout)
 * terminates it.
 */
export function addLaunchLifecycleHook(group: autoscaling.AutoScalingGroup, deployTimeout: Duration): void {
  (group.node.defaultChild as autoscaling.CfnAutoScalingGroup).lifecycleHookSpecificationList = [{
    lifecycleHookName: LAUNCH_HOOK_NAME,
    lifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
    defaultResult: 'ABANDON',
    heartbeatTimeout: deployTimeout.isUnresolved() ? MAX_HEARTBEAT_SECONDS : Math.min(deployTimeout.toSeconds(), MAX_HEARTBEAT_SECONDS),
  }];
}

/**
 * What a server needs to complete its own launch lifecycle action: find its group (DescribeAutoScalingInstances takes
 * no resource) and complete the action on it, on this stack's web group only, by the tags CloudFormation puts on it.
 */
export function launchHookStatements(logicalId: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'FindOwnAutoScalingGroup',
      actions: ['autoscaling:DescribeAutoScalingInstances'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'CompleteOwnLaunch',
      actions: ['autoscaling:CompleteLifecycleAction'],
      resources: [LAUNCH_HOOK_GROUPS],
      conditions: {
        StringEquals: {
          'aws:ResourceTag/aws:cloudformation:stack-id': Aws.STACK_ID,
          'aws:ResourceTag/aws:cloudformation:logical-id': logicalId,
        },
      },
    }),
  ];
}
