import { App, CfnElement, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { deployedUserDataBytes as deployedBytes } from '../src/instance-files';
import type { WebTierMonitoringProps } from '../src/monitoring/web-tier-monitoring';
import type { ZeroDowntimeWebTier } from '../src/zero-downtime-web-tier';

/** One resource of a synthesized template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: any;
}

/** A fresh environment-agnostic stack (no account, no region) in its own app, unless `props` gives an env. */
export function newStack(props?: StackProps): Stack {
  return new Stack(new App(), 'Stack', props);
}

/** The logical id of a construct's CloudFormation resource (the construct itself when it is one). */
export function logicalId(construct: IConstruct): string {
  const element = (construct instanceof CfnElement ? construct : construct.node.defaultChild) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** The logical id that a `{ Ref }` or `{ Fn::GetAtt }` points at. */
export function referencedId(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') {
      return value.Ref;
    }
    if (Array.isArray(value['Fn::GetAtt'])) {
      return value['Fn::GetAtt'][0];
    }
  }
  return undefined;
}

/** The resources of one type, by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, TemplateResource> {
  return template.findResources(type) as Record<string, TemplateResource>;
}

/** The one resource of a type, failing unless there is exactly one. */
export function onlyResource(template: Template, type: string): TemplateResource {
  const resources = Object.values(resourcesOfType(template, type));
  expect(resources).toHaveLength(1);
  return resources[0];
}

/** The CIDR blocks of the subnets that a list of `{ Ref }`s points at, in order. */
export function cidrsOfSubnets(template: Template, subnetRefs: unknown[]): string[] {
  const subnets = resourcesOfType(template, 'AWS::EC2::Subnet');
  return subnetRefs.map(ref => subnets[referencedId(ref) ?? '']?.Properties.CidrBlock);
}

/** The type of the resource with this logical id, or undefined. */
export function typeOf(template: Template, id: string | undefined): string | undefined {
  return id === undefined ? undefined : (template.toJSON().Resources[id] as TemplateResource | undefined)?.Type;
}

/**
 * Every statement a role is granted by the policies of the template: inline `AWS::IAM::Policy` and customer managed
 * `AWS::IAM::ManagedPolicy` resources that name the role, or that the role lists in its `ManagedPolicyArns`.
 */
export function statementsGrantedTo(template: Template, roleId: string): any[] {
  const role = template.toJSON().Resources[roleId] as TemplateResource;
  expect(role?.Type).toBe('AWS::IAM::Role');
  const attached = (role.Properties.ManagedPolicyArns ?? []).map(referencedId);
  return ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']
    .flatMap(type => Object.entries(resourcesOfType(template, type)))
    .filter(([id, policy]) => attached.includes(id) || (policy.Properties.Roles ?? []).some((r: unknown) => referencedId(r) === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
}

// ---------------------------------------------------------------------------------------------
// Security groups

/** CDK's placeholder egress rule of a security group that may send nothing. */
function isDisallowAllPlaceholder(rule: any): boolean {
  return rule.CidrIp === '255.255.255.255/32' && rule.IpProtocol === 'icmp';
}

function describeRule(rule: any): string {
  const ports = rule.FromPort === rule.ToPort ? `${rule.FromPort}` : `${rule.FromPort}-${rule.ToPort}`;
  const peerGroup = referencedId(rule.SourceSecurityGroupId ?? rule.DestinationSecurityGroupId);
  const peer = peerGroup !== undefined ? `sg:${peerGroup}`
    : rule.CidrIp ?? rule.CidrIpv6 ?? rule.SourcePrefixListId ?? rule.DestinationPrefixListId ?? JSON.stringify(rule);
  return `${rule.IpProtocol}/${ports} ${peer}`;
}

/**
 * Every ingress or egress rule of a security group, inline ones and separate `AWS::EC2::SecurityGroupIngress/Egress`
 * resources alike, as sorted `protocol/port peer` strings (peer a CIDR or `sg:<logical id>`), so that any extra rule shows.
 */
export function securityGroupRules(template: Template, groupId: string, direction: 'ingress' | 'egress'): string[] {
  const inlineKey = direction === 'ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress';
  const group = template.toJSON().Resources[groupId] as TemplateResource;
  expect(group?.Type).toBe('AWS::EC2::SecurityGroup');
  const inline: any[] = (group.Properties?.[inlineKey] ?? []).filter((rule: any) => !isDisallowAllPlaceholder(rule));
  const separate = Object.values(resourcesOfType(template, `AWS::EC2::${inlineKey}`))
    .map(resource => resource.Properties)
    .filter(rule => referencedId(rule.GroupId) === groupId);
  return [...inline, ...separate].map(describeRule).sort();
}

// ---------------------------------------------------------------------------------------------
// Subnets and routes

/** A subnet of the template, found by its CIDR block. */
export interface SubnetFacts {
  readonly id: string;
  readonly availabilityZone: unknown;
  readonly mapPublicIpOnLaunch: unknown;
  /** The targets of its route table's `0.0.0.0/0` routes: `igw:<id>` or `nat:<id>`. */
  readonly defaultRoutes: string[];
  /** The targets of its route table's `::/0` routes: `igw:<id>` or `eigw:<id>`. */
  readonly ipv6DefaultRoutes: string[];
  /** Its `Ipv6CidrBlock`, undefined when IPv4 only. */
  readonly ipv6CidrBlock: unknown;
  /** Its `AssignIpv6AddressOnCreation`. */
  readonly assignIpv6AddressOnCreation: unknown;
}

/** The subnet with this CIDR block, its route table found through its `SubnetRouteTableAssociation`. */
export function subnetByCidr(template: Template, cidr: string): SubnetFacts {
  const matches = Object.entries(resourcesOfType(template, 'AWS::EC2::Subnet')).filter(([, s]) => s.Properties.CidrBlock === cidr);
  expect(matches.map(([id]) => id)).toHaveLength(1);
  const [id, subnet] = matches[0];
  const routeTables = Object.values(resourcesOfType(template, 'AWS::EC2::SubnetRouteTableAssociation'))
    .filter(a => referencedId(a.Properties.SubnetId) === id)
    .map(a => referencedId(a.Properties.RouteTableId));
  expect(routeTables).toHaveLength(1);
  const routes = Object.values(resourcesOfType(template, 'AWS::EC2::Route'))
    .map(r => r.Properties)
    .filter(r => referencedId(r.RouteTableId) === routeTables[0]);
  const target = (r: any) => (r.NatGatewayId ? `nat:${referencedId(r.NatGatewayId)}` : r.GatewayId ? `igw:${referencedId(r.GatewayId)}`
    : r.EgressOnlyInternetGatewayId ? `eigw:${referencedId(r.EgressOnlyInternetGatewayId)}` : JSON.stringify(r));
  return {
    id,
    availabilityZone: subnet.Properties.AvailabilityZone,
    mapPublicIpOnLaunch: subnet.Properties.MapPublicIpOnLaunch,
    defaultRoutes: routes.filter(r => r.DestinationCidrBlock === '0.0.0.0/0').map(target),
    ipv6DefaultRoutes: routes.filter(r => r.DestinationIpv6CidrBlock === '::/0').map(target),
    ipv6CidrBlock: subnet.Properties.Ipv6CidrBlock,
    assignIpv6AddressOnCreation: subnet.Properties.AssignIpv6AddressOnCreation,
  };
}

/** The tutorial's CIDRs of one subnet group: 10.0.<base+1>.0/24 to 10.0.<base+n>.0/24. */
export function tutorialCidrs(base: number, count = 3): string[] {
  return Array.from({ length: count }, (_, i) => `10.0.${base + i + 1}.0/24`);
}

// ---------------------------------------------------------------------------------------------
// User-data

/**
 * The user-data of a launch template as the instance would read it, with each CloudFormation token
 * shown as `{{Ref:Id}}` or `{{GetAtt:Id.Attribute}}`.
 */
export function userDataOf(template: Template, launchTemplateId: string): string {
  const launchTemplate = template.toJSON().Resources[launchTemplateId] as TemplateResource;
  expect(launchTemplate?.Type).toBe('AWS::EC2::LaunchTemplate');
  const encoded = launchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64'];
  if (typeof encoded === 'string') {
    return encoded;
  }
  const [separator, parts] = encoded['Fn::Join'];
  return (parts as any[]).map(part => {
    if (typeof part === 'string') {
      return part;
    }
    if (part.Ref) {
      return `{{Ref:${part.Ref}}}`;
    }
    if (part['Fn::GetAtt']) {
      return `{{GetAtt:${part['Fn::GetAtt'].join('.')}}}`;
    }
    return `{{${JSON.stringify(part)}}}`;
  }).join(separator);
}

/**
 * The size of user-data read by `userDataOf` once deployed, each `{{...}}` token counted as the library counts it
 * (`deployedUserDataBytes` of src/instance-files.ts).
 */
export function deployedUserDataBytes(userData: string): number {
  return deployedBytes(userData, /\{\{[^}]*\}\}/g);
}

/** The files the user-data writes with `cat > PATH <<'END' ... END`, by path. */
export function filesWrittenBy(userData: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const match of userData.matchAll(/^cat > (\S+) <<'(\w+)'\n([\s\S]*?)\n\2$/gm)) {
    files.set(match[1], match[3]);
  }
  return files;
}

/** The variables the user-data exports with `export NAME='value'`, by name. */
export function variablesExportedBy(userData: string): Map<string, string> {
  return new Map([...userData.matchAll(/^export (\w+)='(.*)'$/gm)].map(match => [match[1], match[2]]));
}

// ---------------------------------------------------------------------------------------------
// Validation errors

/**
 * Asserts that `construct` throws a plain `Error` whose message names the prop, shows the value received,
 * and states the rule.
 */
export function expectInvalidProp(construct: () => unknown, expected: { prop: string; received: string; rule: RegExp }): void {
  let error: unknown;
  try {
    construct();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
  const message = (error as Error).message;
  expect(message).toContain(expected.prop);
  expect(message).toContain(expected.received);
  expect(message).toMatch(expected.rule);
}

/**
 * Expects the synthesis of `stack` to fail on a validation (CDK gathers the messages of `node.addValidation` into one
 * error of its own class) whose message names the prop, the value and the rule, as `invalidProp` writes them.
 */
export function expectSynthRefuses(stack: Stack, expected: { prop: string; received: string; rule: RegExp }): void {
  let message: string | undefined;
  try {
    Template.fromStack(stack);
  } catch (e) {
    message = String((e as Error).message);
  }
  expect(message).toContain(`Invalid ${expected.prop}: received `);
  expect(message).toContain(expected.received);
  expect(message).toMatch(expected.rule);
}

/** Props that give the monitoring the tier's parts, with one Redis node and a fleet minimum of 2. */
export function monitoringPropsOf(tier: ZeroDowntimeWebTier): WebTierMonitoringProps {
  return {
    loadBalancer: tier.loadBalancer,
    targetGroup: tier.targetGroup,
    autoScalingGroup: tier.webAutoScalingGroup,
    minCapacity: 2,
    replicationGroupId: tier.cache.replicationGroup.ref,
    redisNodeCount: 1,
    natGatewayIds: tier.network!.natGatewayIds,
    availabilityZones: tier.network!.availabilityZones,
  };
}

/**
 * The CDK context of an environment-aware app whose `cdk.context.json` already pins the tier's Amazon Linux 2023
 * images (both architectures), as `cdk synth` leaves it after its first look-up: no dummy AMI ID in the template.
 */
export function pinnedImageContext(account: string, region: string, amiId = 'ami-0123456789abcdef0'): Record<string, string> {
  return Object.fromEntries(['x86_64', 'arm64'].map(arch => [
    `ssm:account=${account}:additionalCacheKey=cdk-zero-downtime-web-tier:parameterName=/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-${arch}:region=${region}`,
    amiId,
  ]));
}
