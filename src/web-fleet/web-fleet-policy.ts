import { Aws } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ReleaseChecksReporting } from './release-checks-alarm';
import { LAUNCH_HOOK_GROUPS, launchHookStatements } from './web-fleet-launch-hook';
import { S3Location } from './web-user-data';
import { acknowledge, acknowledgeWildcardResources } from '../acknowledgements';
import { FleetApplication } from '../application/web-application-fleet';
import { IRedisConnection } from '../cache/redis-cache';
import { checkManagedPolicySize } from '../iam-policy-size';
import { instancePolicy } from '../instance-launch';

/** What the web servers may read and do, and what for. */
export interface WebFleetPolicyInputs {
  /** The boot files and the application, as S3 objects. */
  readonly objects: S3Location[];
  /** The cache whose AUTH token the servers read. */
  readonly redis?: IRedisConnection;
  /** The application's secrets. */
  readonly application: FleetApplication;
  /** The log group of the application's output. */
  readonly logGroup?: logs.LogGroup;
  /** The logical id of the web group, whose launch action the servers complete. */
  readonly logicalId: string;
  /** The release checks' metric, when there are release checks. */
  readonly checksReporting?: ReleaseChecksReporting;
  /** The target group whose health a server reads. */
  readonly targetGroup?: elbv2.IApplicationTargetGroup;
  /** The prop that names the application, as the caller spells it. */
  readonly applicationName: string;
}

/**
 * The web servers' customer managed policy, each statement scoped as tightly as its action allows, and the
 * acknowledgement of the inline policy CDK writes for the resource signals.
 */
export function webFleetPolicy(scope: Construct, role: iam.Role, inputs: WebFleetPolicyInputs): iam.ManagedPolicy | undefined {
  // CDK grants cloudformation:SignalResource on this stack to the role, inline, for the group's creation signals.
  const signalPolicy = role.node.tryFindChild('DefaultPolicy');
  if (signalPolicy) {
    acknowledge(signalPolicy, 'NIST.800.53.R5-IAMNoInlinePolicy',
      'CDK writes the permission that resource signals need (cloudformation:SignalResource on this stack only) ' +
      'as the role\'s inline default policy; everything else the servers may do is in a customer managed policy.');
  }
  // Exactly the two objects (not Asset.grantRead's whole bucket, which holds every asset of the account).
  const statements: iam.PolicyStatement[] = [new iam.PolicyStatement({
    sid: 'ReadBootFilesAndApplication',
    actions: ['s3:GetObject'],
    resources: inputs.objects.map(l => `arn:${Aws.PARTITION}:s3:::${l.bucketName}/${l.objectKey}`),
  })];
  if (inputs.redis) {
    statements.push(new iam.PolicyStatement({
      sid: 'ReadRedisAuthToken',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [inputs.redis.authToken.secretArn],
    }));
  }
  statements.push(...inputs.application.secretStatements);
  if (inputs.logGroup) {
    statements.push(new iam.PolicyStatement({
      sid: 'WriteApplicationLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [inputs.logGroup.logGroupArn],
    }));
  }
  statements.push(...launchHookStatements(inputs.logicalId));
  if (inputs.checksReporting) {
    statements.push(inputs.checksReporting.statement);
  }
  if (inputs.targetGroup) {
    statements.push(new iam.PolicyStatement({
      sid: 'ReadOwnTargetHealth',
      actions: ['elasticloadbalancing:DescribeTargetHealth'],
      resources: ['*'],
    }));
  }
  const policy = instancePolicy(scope, role, 'Web tier web servers', statements);
  if (policy) {
    checkManagedPolicySize(policy, inputs.applicationName, () => `${Object.keys(inputs.application.secrets).length} secrets`);
    acknowledgeWildcardResources(policy, ['*', LAUNCH_HOOK_GROUPS],
      'autoscaling:DescribeAutoScalingInstances and elasticloadbalancing:DescribeTargetHealth support no resource-level permission ' +
      '(AWS accepts only "*"); they read states and nothing else: a server asks which group it is in and whether its target group ' +
      'reports it healthy. cloudwatch:PutMetricData takes no resource either; its cloudwatch:namespace condition limits it to the ' +
      'release checks\' namespace. autoscaling:CompleteLifecycleAction names any group but only this one passes its condition (the ' +
      'stack id and logical id tags CloudFormation puts on the group; its name is not known before it exists).');
  }
  return policy;
}
