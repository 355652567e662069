import { Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { logicalId, resourcesOfType } from '../util';
import { alarmProps, ENV, monitoredTier } from './monitored-tier';

describe('WebTierMonitoring', () => {
  // GIVEN the tier with its monitoring at the defaults, two Redis nodes; shared by the tests that only read it
  const m = monitoredTier({ redisNodeCount: 2 });

  describe('notifications', () => {
    test('with no topic, no alarm has actions and no topic is created', () => {
      // THEN
      m.template.resourceCountIs('AWS::SNS::Topic', 0);
      expect(m.monitoring.alarmTopic).toBeUndefined();
      for (const alarm of m.monitoring.alarms) {
        const properties = alarmProps(m, alarm);
        expect(properties.AlarmActions).toBeUndefined();
        expect(properties.OKActions).toBeUndefined();
      }
    });

    test('with alarmTopic, every alarm notifies it on ALARM and on OK, and no other topic is created', () => {
      // GIVEN
      let topic: sns.Topic | undefined;

      // WHEN
      const monitored = monitoredTier({}, stack => {
        topic = new sns.Topic(stack, 'Operations');
        return { alarmTopic: topic };
      });

      // THEN
      monitored.template.resourceCountIs('AWS::SNS::Topic', 1);
      expect(monitored.monitoring.alarmTopic).toBe(topic);
      expect(monitored.monitoring.alarms).toHaveLength(14);
      for (const alarm of monitored.monitoring.alarms) {
        expect(alarmProps(monitored, alarm)).toMatchObject({ AlarmActions: [{ Ref: logicalId(topic!) }], OKActions: [{ Ref: logicalId(topic!) }] });
      }
    });

    test('with createAlarmTopic, every alarm notifies the created topic on ALARM and on OK', () => {
      // WHEN
      const monitored = monitoredTier({ createAlarmTopic: true });

      // THEN
      monitored.template.resourceCountIs('AWS::SNS::Topic', 1);
      const [topicId] = Object.keys(resourcesOfType(monitored.template, 'AWS::SNS::Topic'));
      expect(logicalId(monitored.monitoring.alarmTopic as sns.Topic)).toBe(topicId);
      for (const alarm of monitored.monitoring.alarms) {
        expect(alarmProps(monitored, alarm)).toMatchObject({ AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] });
      }
    });

    test('with createAlarmTopic, the topic is encrypted with a rotated key that CloudWatch may use and that grants only to AWS services', () => {
      // WHEN
      const monitored = monitoredTier({ createAlarmTopic: true });

      // THEN
      const [keyId] = Object.keys(resourcesOfType(monitored.template, 'AWS::KMS::Key'));
      expect(logicalId(monitored.monitoring.alarmTopicKey as any)).toBe(keyId);
      monitored.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      monitored.template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }), Match.objectLike({
            Effect: 'Deny',
            Action: 'kms:CreateGrant',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          })]),
        },
      });
    });

    test('with createAlarmTopic, the key lets CloudWatch use it only for alarms of this account (confused deputy)', () => {
      // WHEN
      const monitored = monitoredTier({ createAlarmTopic: true });

      // THEN
      const key = Object.values(resourcesOfType(monitored.template, 'AWS::KMS::Key'))[0];
      const forCloudWatch = key.Properties.KeyPolicy.Statement.filter((st: any) => st.Principal?.Service === 'cloudwatch.amazonaws.com');
      expect(forCloudWatch).toHaveLength(1);
      expect(forCloudWatch[0].Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': ENV.account },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:${ENV.region}:${ENV.account}:alarm:*`]] } },
      });
    });

    test('with createAlarmTopic, the topic refuses requests without TLS and admits CloudWatch alarms of this account only', () => {
      // WHEN
      const monitored = monitoredTier({ createAlarmTopic: true });

      // THEN
      const [topicId] = Object.keys(resourcesOfType(monitored.template, 'AWS::SNS::Topic'));
      monitored.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: {
                StringEquals: { 'aws:SourceAccount': ENV.account },
                ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:${ENV.region}:${ENV.account}:alarm:*`]] } },
              },
            }),
          ]),
        },
      });
    });
  });
});
