import { Aws, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { invalidProp } from '../validation';

/**
 * The S3 buckets of Amazon Linux 2023's package repositories in a Region, `al2023-repos-<region>-de612dc2`: `dnf`
 * downloads from them over HTTPS, so behind a gateway endpoint its policy must allow them. The name is the one AWS
 * gives for restrictive S3 endpoint policies (AWS Application Migration Service User Guide, network requirements
 * for AL2023-based servers: https://docs.aws.amazon.com/mgn/latest/ug/Network-Requirements.html); it could not be
 * re-read here, as this repository has no network: the runtime of a real boot is the proof (see docs/configuration.md).
 */
export function amazonLinuxRepositoryObjects(scope: Construct): string {
  return `arn:${Aws.PARTITION}:s3:::al2023-repos-${Stack.of(scope).region}-de612dc2/*`;
}

/**
 * The name of the bucket where the stack's synthesizer puts file assets (the web servers' boot files and the
 * application): `DefaultStackSynthesizer` and `CliCredentialsStackSynthesizer` know it once bound to the stack, with
 * `${AWS::AccountId}` and `${AWS::Region}` as CloudFormation placeholders in an environment-agnostic stack. Undefined for a synthesizer that names no single bucket
 * (`LegacyStackSynthesizer` passes it in CloudFormation parameters).
 */
export function assetsBucketName(scope: Construct): string | undefined {
  const synthesizer = Stack.of(scope).synthesizer as unknown as { bucketName?: unknown };
  return typeof synthesizer.bucketName === 'string' ? synthesizer.bucketName : undefined;
}

/**
 * An S3 gateway endpoint in `vpc`, routed from `subnets`, whose policy lets through only what the tier's instances
 * fetch from S3: objects of the stack's CDK assets bucket, read (`s3:GetObject`) by principals of the stack's account,
 * and objects of the Region's Amazon Linux 2023 repositories, which `dnf` reads without signing its requests. Everything else S3 is refused through this endpoint (an
 * endpoint policy does not fall back to the NAT gateway): add statements with `addToPolicy` for your own buckets.
 * A gateway endpoint costs nothing, and its traffic skips the NAT gateways' data processing charge.
 * https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html
 * https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
 */
export function addS3GatewayEndpoint(scope: Construct, vpc: ec2.Vpc, subnets: ec2.SubnetSelection[]): ec2.GatewayVpcEndpoint {
  const bucket = assetsBucketName(scope);
  if (bucket === undefined) {
    throw invalidProp('s3GatewayEndpoint', true, 'needs the stack\'s synthesizer to name its assets bucket (DefaultStackSynthesizer or ' +
      `CliCredentialsStackSynthesizer; this stack uses ${Stack.of(scope).synthesizer.constructor.name}): the endpoint policy must let the ` +
      'web servers download their files from it. Set s3GatewayEndpoint: false, or use one of those synthesizers');
  }
  const endpoint = vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets });
  const ownAccount = { StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID } };
  endpoint.addToPolicy(new iam.PolicyStatement({
    sid: 'ReadCdkAssets',
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:GetObject'],
    // The synthesizer's name holds CloudFormation placeholders (`${AWS::AccountId}`), as in its own Fn::Sub.
    resources: [Fn.sub(`arn:\${AWS::Partition}:s3:::${bucket}/*`)],
    conditions: ownAccount,
  }));
  // No account condition here: dnf reads the repositories anonymously (unsigned requests have no principal account).
  endpoint.addToPolicy(new iam.PolicyStatement({
    sid: 'ReadAmazonLinuxRepositories',
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:GetObject'],
    resources: [amazonLinuxRepositoryObjects(scope)],
  }));
  return endpoint;
}
