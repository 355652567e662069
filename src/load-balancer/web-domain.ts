import { Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { invalidProp, warn } from '../validation';

/** What the tier's domain is made of, as the props give it. */
export interface WebDomainInput {
  readonly domainName?: string;
  readonly hostedZone?: route53.IHostedZone;
  readonly certificate?: acm.ICertificate;
}

const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^(${LABEL}\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`, 'i');

/** A name without its trailing dot, lower case: how DNS compares names. */
function canonical(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

/**
 * Checks the domain props against each other and against AWS's rules, before anything is built:
 * a valid DNS name, inside the hosted zone, with a zone or a certificate, and a certificate that covers the name and
 * lives in the stack's region when both are known.
 */
export function checkWebDomain(scope: Construct, input: WebDomainInput): void {
  const { domainName, hostedZone, certificate } = input;
  if (certificate !== undefined) {
    checkCertificateRegion(scope, certificate);
    checkCertificateAccount(scope, certificate);
  }
  if (hostedZone !== undefined) {
    checkZoneVisibility(scope, hostedZone, certificate);
  }
  if (domainName === undefined) {
    if (hostedZone !== undefined) {
      throw invalidProp('hostedZone', hostedZone.node.path, 'needs domainName: the name to create in the zone');
    }
    return;
  }
  if (Token.isUnresolved(domainName)) {
    return;
  }
  if (domainName.length > 253 || !DNS_NAME.test(domainName)) {
    throw invalidProp('domainName', domainName,
      'must be a DNS name such as shop.example.com: labels of 1 to 63 letters, digits and hyphens (not at either end), ' +
      'separated by dots, no trailing dot, 253 characters at most');
  }
  if (hostedZone === undefined && certificate === undefined) {
    throw invalidProp('domainName', domainName,
      'needs hostedZone (to validate a certificate and create the alias record) or certificate (for HTTPS with DNS you manage)');
  }
  if (hostedZone !== undefined && !Token.isUnresolved(hostedZone.zoneName)) {
    const zone = canonical(hostedZone.zoneName);
    const name = canonical(domainName);
    if (name !== zone && !name.endsWith(`.${zone}`)) {
      throw invalidProp('domainName', domainName, `must be in the hosted zone ${zone} (the zone itself or a name ending in .${zone})`);
    }
  }
  const names = namesCovered(certificate);
  if (names !== undefined && !names.some(covered => covers(covered, domainName))) {
    throw invalidProp('domainName', domainName,
      `must be covered by the certificate, which is for ${names.join(', ')} (a wildcard covers one label only)`);
  }
}

/** An ACM certificate for an ALB must be in the load balancer's region: refuses one whose ARN names another. */
function checkCertificateRegion(scope: Construct, certificate: acm.ICertificate): void {
  const stackRegion = Stack.of(scope).region;
  if (Token.isUnresolved(stackRegion) || Token.isUnresolved(certificate.certificateArn)) {
    return;
  }
  const region = certificate.certificateArn.split(':')[3]; // arn:<partition>:acm:<region>:<account>:certificate/<id>
  if (region && region !== stackRegion) {
    throw invalidProp('certificate', certificate.certificateArn,
      `must be in the stack's region ${stackRegion}: a load balancer can only use an ACM certificate of its own region`);
  }
}

/**
 * A load balancer can only use an ACM certificate of its own account, as of its own Region (an ACM certificate
 * belongs to one account and Region: https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html, and the
 * listener fails at deploy otherwise): refuses one whose ARN names another account than the stack's.
 */
function checkCertificateAccount(scope: Construct, certificate: acm.ICertificate): void {
  const stackAccount = Stack.of(scope).account;
  if (Token.isUnresolved(stackAccount) || Token.isUnresolved(certificate.certificateArn)) {
    return;
  }
  const account = certificate.certificateArn.split(':')[4];
  if (account && account !== stackAccount) {
    throw invalidProp('certificate', certificate.certificateArn,
      `must be an ACM certificate of the stack's account ${stackAccount}: a load balancer cannot use a certificate of account ${account}`);
  }
}

/** Whether a hosted zone is private, when it is made in this app: a `PrivateHostedZone`, or a zone with VPCs. */
function isPrivateZone(zone: route53.IHostedZone): boolean {
  if (zone instanceof route53.PrivateHostedZone) {
    return true;
  }
  const resource = zone.node.defaultChild;
  if (resource instanceof route53.CfnHostedZone) {
    const vpcs = Stack.of(zone).resolve(resource.vpcs);
    return Array.isArray(vpcs) && vpcs.length > 0;
  }
  return false;
}

/**
 * A private hosted zone answers only inside its VPCs: ACM cannot see the validation records in it, so a public
 * certificate made for the domain never validates (ACM looks the validation CNAME up in public DNS:
 * https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html), and the deploy waits until it times out. Refused
 * when the tier would make the certificate; with your own `certificate`, the alias records would resolve only inside
 * those VPCs, for an internet-facing load balancer: warned. A zone imported by id cannot be told apart at synth.
 */
function checkZoneVisibility(scope: Construct, zone: route53.IHostedZone, certificate: acm.ICertificate | undefined): void {
  if (!isPrivateZone(zone)) {
    return;
  }
  if (certificate === undefined) {
    throw invalidProp('hostedZone', zone.node.path, 'must be a public hosted zone to validate the certificate the tier makes for ' +
      'domainName: ACM cannot read validation records in a private zone, so the certificate would never be issued. Give a ' +
      'public zone, or a certificate you validated elsewhere');
  }
  warn(scope, 'privateHostedZone', `hostedZone ${zone.node.path} is private: the alias records of domainName resolve only inside its ` +
    'VPCs, while the load balancer faces the internet; use the public zone of the domain for users outside the VPC');
}

/** The names a certificate made in this app covers, when all are known at synth time; undefined for an imported one. */
function namesCovered(certificate: acm.ICertificate | undefined): string[] | undefined {
  const resource = certificate?.node.defaultChild;
  if (!(resource instanceof acm.CfnCertificate)) {
    return undefined;
  }
  const names = [resource.domainName, ...(resource.subjectAlternativeNames ?? [])];
  return names.some(name => Token.isUnresolved(name)) ? undefined : names;
}

/** Whether a certificate name (`shop.example.com`, `*.example.com`) covers a host name. */
function covers(certificateName: string, host: string): boolean {
  const pattern = canonical(certificateName);
  const name = canonical(host);
  if (pattern.startsWith('*.')) {
    const dot = name.indexOf('.');
    return dot > 0 && name.slice(dot + 1) === pattern.slice(2);
  }
  return pattern === name;
}

/** A DNS-validated ACM certificate for the domain, in the stack's region: validated through records in the hosted zone. */
export function createWebCertificate(scope: Construct, domainName: string, hostedZone: route53.IHostedZone): acm.Certificate {
  return new acm.Certificate(scope, 'Certificate', {
    domainName,
    validation: acm.CertificateValidation.fromDns(hostedZone),
  });
}

/** Alias records that point the domain at the load balancer: A, and AAAA when the load balancer is dual-stack. */
export function createAliasRecords(scope: Construct, domainName: string, hostedZone: route53.IHostedZone,
  loadBalancer: elbv2.ApplicationLoadBalancer): route53.RecordSet[] {
  const target = route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(loadBalancer));
  const records: route53.RecordSet[] = [new route53.ARecord(scope, 'AliasRecord', { zone: hostedZone, recordName: domainName, target })];
  if (loadBalancer.ipAddressType === elbv2.IpAddressType.DUAL_STACK) {
    records.push(new route53.AaaaRecord(scope, 'AliasRecordIpv6', { zone: hostedZone, recordName: domainName, target }));
  }
  return records;
}
