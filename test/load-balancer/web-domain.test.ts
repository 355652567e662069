import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { WebTierFirewall, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { createAliasRecords } from '../../src/load-balancer/web-domain';
import { expectInvalidProp, logicalId, onlyResource } from '../util';

const ENV = { account: '111111111111', region: 'eu-west-3' };
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-3:111111111111:certificate/11111111-2222-3333-4444-555555555555';

function newEnvStack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}

function zoneIn(stack: Stack, zoneName = 'example.com'): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName });
}

function tierWith(props: (stack: Stack) => ZeroDowntimeWebTierProps) {
  const stack = newEnvStack();
  const tier = new ZeroDowntimeWebTier(stack, 'WebTier', props(stack));
  return { stack, tier, template: Template.fromStack(stack) };
}

function fails(props: (stack: Stack) => ZeroDowntimeWebTierProps, expected: { prop: string; received: string; rule: RegExp }): void {
  const stack = newEnvStack();
  expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'WebTier', props(stack)), expected);
}

describe('ZeroDowntimeWebTier with a domain', () => {
  // GIVEN / WHEN the one-liner
  const { tier, template } = tierWith(stack => ({
    domainName: 'shop.example.com', hostedZone: zoneIn(stack), firewall: WebTierFirewall.managedRules(),
  }));

  test('with domainName and hostedZone, a DNS-validated certificate for the domain is made in the zone', () => {
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'shop.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'shop.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
    expect(tier.webLoadBalancer.certificate).toBeInstanceOf(acm.Certificate);
  });

  test('with domainName and hostedZone, an alias A record points the domain at the load balancer', () => {
    template.resourceCountIs('AWS::Route53::RecordSet', 1);
    const record = onlyResource(template, 'AWS::Route53::RecordSet');
    expect(record.Properties).toMatchObject({ Name: 'shop.example.com.', Type: 'A', HostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    expect(record.Properties.AliasTarget.DNSName['Fn::Join'][1]).toContainEqual({ 'Fn::GetAtt': [logicalId(tier.loadBalancer), 'DNSName'] });
    expect(tier.webLoadBalancer.aliasRecords).toHaveLength(1);
  });

  test('with domainName and hostedZone, HTTPS on 443 uses the certificate and the recommended TLS policy', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: { Ref: logicalId(tier.webLoadBalancer.certificate as acm.Certificate) } }],
      SslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    });
  });

  test('with domainName and hostedZone, port 80 redirects to HTTPS on 443', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  test('with domainName, the LoadBalancerUrl output names https://<domainName>/', () => {
    const outputs = Object.values(template.findOutputs('*')).filter((o: any) => o.Description?.includes('hello page'));
    expect(outputs.map((o: any) => o.Value)).toEqual(['https://shop.example.com/cgi-bin/hello.py']);
  });

  test('with the zone apex as domainName, the record is the apex', () => {
    const apex = tierWith(stack => ({ domainName: 'example.com', hostedZone: zoneIn(stack) }));
    expect(onlyResource(apex.template, 'AWS::Route53::RecordSet').Properties.Name).toBe('example.com.');
  });

  test('with domainName, hostedZone and certificate, the given certificate is used and none is made', () => {
    const given = tierWith(stack => ({
      domainName: 'shop.example.com',
      hostedZone: zoneIn(stack),
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
    }));
    given.template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    given.template.resourceCountIs('AWS::Route53::RecordSet', 1);
    given.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Certificates: [{ CertificateArn: CERTIFICATE_ARN }] });
    expect(given.tier.webLoadBalancer.certificate).toBeUndefined();
  });

  test('with domainName and certificate but no zone, HTTPS serves the domain and no DNS record is made', () => {
    const given = tierWith(stack => ({
      domainName: 'shop.example.com', certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
    }));
    given.template.resourceCountIs('AWS::Route53::RecordSet', 0);
    given.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    const urls = Object.values(given.template.findOutputs('*')).filter((o: any) => o.Description?.includes('hello page')).map((o: any) => o.Value);
    expect(urls).toEqual(['https://shop.example.com/cgi-bin/hello.py']);
  });

  test('with a certificate and no domain, the LoadBalancerUrl output is https:// on the load balancer\'s DNS name', () => {
    const given = tierWith(stack => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN) }));
    const url = Object.values(given.template.findOutputs('*')).find((o: any) => o.Description?.includes('hello page')) as any;
    expect(url.Value['Fn::Join'][1][0]).toBe('https://');
    expect(url.Value['Fn::Join'][1][1]).toEqual({ 'Fn::GetAtt': [logicalId(given.tier.loadBalancer), 'DNSName'] });
  });

  test('with no certificate and no domain, the LoadBalancerUrl output stays http://', () => {
    const plain = tierWith(() => ({}));
    const url = Object.values(plain.template.findOutputs('*')).find((o: any) => o.Description?.includes('hello page')) as any;
    expect(url.Value['Fn::Join'][1][0]).toBe('http://');
  });

  test('with an in-stack certificate whose wildcard covers the domain, it is accepted', () => {
    const given = tierWith(stack => ({
      domainName: 'shop.example.com',
      certificate: new acm.Certificate(stack, 'Certificate', { domainName: 'example.com', subjectAlternativeNames: ['*.Example.com'] }),
    }));
    given.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443 });
  });

  test.each([
    'shop',
    'shop..example.com',
    '-shop.example.com',
    'shop-.example.com',
    'shop_1.example.com',
    'https://shop.example.com',
    'shop.example.com/',
    'shop.example.com.',
    '*.example.com',
    'shop.example.123',
    `${'a'.repeat(64)}.example.com`,
    `${'abcdefghi.'.repeat(25)}example.com`,
  ])('fails with the domainName %p, which is not a DNS name', (domainName) => {
    fails(stack => ({ domainName, hostedZone: zoneIn(stack) }), { prop: 'domainName', received: JSON.stringify(domainName), rule: /must be a DNS name/ });
  });

  test.each(['shop.example.org', 'shopexample.com', 'example.com.evil.net'])('fails with the domainName %p outside the hosted zone example.com', (domainName) => {
    fails(stack => ({ domainName, hostedZone: zoneIn(stack) }), { prop: 'domainName', received: domainName, rule: /must be in the hosted zone example.com/ });
  });

  test('fails with domainName but neither hostedZone nor certificate', () => {
    fails(() => ({ domainName: 'shop.example.com' }), { prop: 'domainName', received: 'shop.example.com', rule: /needs hostedZone .* or certificate/ });
  });

  test('fails with hostedZone but no domainName', () => {
    fails(stack => ({ hostedZone: zoneIn(stack) }), { prop: 'hostedZone', received: 'Stack/Zone', rule: /needs domainName/ });
  });

  test.each([
    ['other.example.com', [] as string[], 'shop.example.com'],
    ['example.com', ['*.example.com'], 'a.shop.example.com'],
  ])('fails with an in-stack certificate for %p (and %p) that cannot cover %p', (certificateName, alternatives, domainName) => {
    fails(stack => ({
      domainName,
      hostedZone: zoneIn(stack),
      certificate: new acm.Certificate(stack, 'Certificate', { domainName: certificateName, subjectAlternativeNames: alternatives }),
    }), { prop: 'domainName', received: domainName, rule: /must be covered by the certificate, which is for/ });
  });

  test('fails with a certificate from another region than the stack\'s', () => {
    const arn = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
    fails(stack => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', arn) }),
      { prop: 'certificate', received: arn, rule: /must be in the stack's region eu-west-3/ });
  });

  test('with a certificate from another region in an environment-agnostic stack, the regions cannot be compared and it synthesizes', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const arn = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
    new ZeroDowntimeWebTier(stack, 'WebTier', { certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', arn) });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Certificates: [{ CertificateArn: arn }] });
  });
});

describe('alias records', () => {
  test('with a dual-stack load balancer, an AAAA alias record joins the A record', () => {
    // GIVEN
    const stack = newEnvStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, ipProtocol: ec2.IpProtocol.DUAL_STACK });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true, ipAddressType: elbv2.IpAddressType.DUAL_STACK });
    // WHEN
    const records = createAliasRecords(stack, 'shop.example.com', zoneIn(stack), alb);
    // THEN
    expect(records).toHaveLength(2);
    const types = Object.values(Template.fromStack(stack).findResources('AWS::Route53::RecordSet')).map((r: any) => r.Properties.Type).sort();
    expect(types).toEqual(['A', 'AAAA']);
  });
});
