import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * An SNS topic CloudWatch alarms of this account can publish to: encrypted with a customer-managed key whose policy lets
 * CloudWatch use it (the AWS-managed `alias/aws/sns` key does not, and alarms could never notify), TLS enforced.
 *
 * The key and the topic are made in `scope` with the ids `AlarmTopicKey` and `AlarmTopic`: their logical IDs depend on it.
 */
export function createAlarmTopic(scope: Construct): sns.Topic {
  const stack = Stack.of(scope);
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  // Only alarms of this account may use the key: the confused-deputy guard on the service principal.
  const fromThisAccountsAlarms = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
  };
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    description: 'Encrypts the web tier alarm topic; CloudWatch alarms use it to publish',
    enableKeyRotation: true,
    // The key protects only notifications in flight: nothing is lost when it goes with the stack.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublishToTheEncryptedTopic',
    principals: [cloudWatch],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: fromThisAccountsAlarms,
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: 'Web tier alarms',
    masterKey: key,
    enforceSSL: true,
  });
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsOfThisAccount',
    principals: [cloudWatch],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: fromThisAccountsAlarms,
  }));
  return topic;
}
