import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { WebTierStack } from '../src/main';

describe('WebTierStack', () => {
  const app = new App();
  const stack = new WebTierStack(app, 'test');
  const template = Template.fromStack(stack);

  test('has one internet-facing Application Load Balancer listening on HTTP 80', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
  });

  test('has two Auto Scaling groups: two web servers behind the load balancer, and the bastion', () => {
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      TargetGroupARNs: Match.anyValue(),
    });
  });

  test('spreads five subnet groups over three AZs, with a NAT gateway in each AZ', () => {
    template.resourceCountIs('AWS::EC2::Subnet', 15);
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('has a Redis replication group for the visit counter', () => {
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
  });
});
