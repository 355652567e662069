import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { WebLoadBalancer, WebLoadBalancerProps, WebTierNetwork } from '../../src';
import { cidrsOfSubnets, expectInvalidProp, logicalId, newStack, onlyResource, securityGroupRules, tutorialCidrs } from '../util';

/** A stack with the network and one load balancer, and nothing else. */
function loadBalancerAlone(props: Partial<WebLoadBalancerProps> = {}) {
  const stack = newStack();
  const network = new WebTierNetwork(stack, 'Network');
  const loadBalancer = new WebLoadBalancer(stack, 'LoadBalancer', { vpc: network.vpc, ...props });
  return { loadBalancer, template: Template.fromStack(stack) };
}

describe('WebLoadBalancer', () => {
  // GIVEN a load balancer with no optional props, shared by the tests that only read it
  const { loadBalancer, template } = loadBalancerAlone();

  test('used alone in a stack, it synthesizes a load balancer, a listener and a target group', () => {
    // THEN
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
  });

  test('with no props, the load balancer is an internet-facing ALB in the three ALB subnets', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
      SecurityGroups: [{ 'Fn::GetAtt': [logicalId(loadBalancer.securityGroup), 'GroupId'] }],
    });
    const alb = onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(cidrsOfSubnets(template, alb.Properties.Subnets)).toEqual(tutorialCidrs(10));
  });

  test('with no props, an HTTP listener on port 80 forwards to the target group', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: logicalId(loadBalancer.loadBalancer) },
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalId(loadBalancer.targetGroup) } }],
    });
  });

  test('with no props, the target group is HTTP on port 8000 with the tutorial health check', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8000,
      Protocol: 'HTTP',
      TargetType: 'instance',
      HealthCheckEnabled: true,
      HealthCheckPath: '/cgi-bin/ping.py',
      HealthCheckPort: 'traffic-port',
      HealthCheckProtocol: 'HTTP',
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      HealthCheckTimeoutSeconds: 3,
      HealthCheckIntervalSeconds: 30,
      Matcher: { HttpCode: '200' },
    });
  });

  test('with no props, a leaving target keeps its open requests for 30 seconds', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
  });

  test('with no props, its security group admits only port 80 from anywhere', () => {
    // THEN
    expect(securityGroupRules(template, logicalId(loadBalancer.securityGroup), 'ingress')).toEqual(['tcp/80 0.0.0.0/0']);
  });

  test('used alone, with no targets, its security group sends nothing anywhere', () => {
    // THEN
    expect(securityGroupRules(template, logicalId(loadBalancer.securityGroup), 'egress')).toEqual([]);
  });

  test('with custom healthCheck props, the target group carries them', () => {
    // WHEN
    const custom = loadBalancerAlone({
      healthCheck: {
        path: '/healthz',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThreshold: 3,
        unhealthyThreshold: 4,
        healthyHttpCodes: '200-299',
      },
    }).template;
    // THEN
    custom.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/healthz',
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 4,
      Matcher: { HttpCode: '200-299' },
    });
  });

  test('with webPort 8080, the target group forwards to port 8080', () => {
    // WHEN
    const custom = loadBalancerAlone({ webPort: 8080 }).template;
    // THEN
    custom.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPort: 'traffic-port' });
  });

  test('with vpcSubnets, the load balancer goes in the subnets selected', () => {
    // WHEN
    const custom = loadBalancerAlone({ vpcSubnets: { subnetGroupName: 'Bastion' } }).template;
    // THEN
    const alb = onlyResource(custom, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(cidrsOfSubnets(custom, alb.Properties.Subnets)).toEqual(tutorialCidrs(30));
  });

  test('with a plain ec2.Vpc and its public subnets selected, it synthesizes', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    // WHEN
    new WebLoadBalancer(stack, 'LoadBalancer', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Subnets: vpc.publicSubnets.map(s => ({ Ref: logicalId(s) })),
    });
  });
});

describe('WebLoadBalancer bad input', () => {
  /** Builds the load balancer alone in a stack of eu-west-3 with `props`. */
  function build(props: Partial<WebLoadBalancerProps>): void {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-3' } });
    const network = new WebTierNetwork(stack, 'Network');
    new WebLoadBalancer(stack, 'LoadBalancer', { vpc: network.vpc, ...props });
  }

  test.each([
    ['a CloudFront (global) web ACL', 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/edge/11111111-2222-3333-4444-555555555555'],
    ['a WAF Classic regional web ACL', 'arn:aws:waf-regional:eu-west-3:111111111111:webacl/11111111-2222-3333-4444-555555555555'],
    ['a rule group', 'arn:aws:wafv2:eu-west-3:111111111111:regional/rulegroup/mine/11111111-2222-3333-4444-555555555555'],
    ['a name, not an ARN', 'my-web-acl'],
  ])('fails with a webAclArn that is %s', (_what, webAclArn) => {
    expectInvalidProp(() => build({ webAclArn }), { prop: 'webAclArn', received: webAclArn, rule: /must be the ARN of a regional AWS WAFv2 web ACL/ });
  });

  test('fails with a webAclArn of another region than the stack\'s', () => {
    const webAclArn = 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/mine/11111111-2222-3333-4444-555555555555';
    expectInvalidProp(() => build({ webAclArn }), { prop: 'webAclArn', received: webAclArn, rule: /must be in the stack's region eu-west-3/ });
  });

  test('with a regional webAclArn of the stack\'s region, it is associated', () => {
    const webAclArn = 'arn:aws:wafv2:eu-west-3:111111111111:regional/webacl/mine/11111111-2222-3333-4444-555555555555';
    expect(() => build({ webAclArn })).not.toThrow();
  });

  test.each([Duration.hours(36), Duration.minutes(2 * 24 * 60 + 1)])('fails with an accessLogsRetention of %s, not whole days', (accessLogsRetention) => {
    expectInvalidProp(() => build({ accessLogsRetention }),
      { prop: 'accessLogsRetention', received: accessLogsRetention.toHumanString(), rule: /must be a whole number of days/ });
  });

  test('with an accessLogsRetention of 48 hours, it is two whole days and synthesizes', () => {
    expect(() => build({ accessLogsRetention: Duration.hours(48) })).not.toThrow();
  });
});
