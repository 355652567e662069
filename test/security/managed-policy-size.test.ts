import { App, Aws, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NODE_APP_DIR } from '../../examples/node-app';
import { WebApplication, WebApplicationSecret, ZeroDowntimeWebTier } from '../../src';
import { checkManagedPolicySize, managedPolicySize } from '../../src/iam-policy-size';
import { logicalId } from '../util';

const ENV = { account: '123456789012', region: 'eu-west-3' };

/** A tier whose application reads `count` imported secrets, each named by a full ARN of about 80 characters. */
function tierWithSecrets(count: number): { stack: Stack; tier: ZeroDowntimeWebTier } {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const secrets: Record<string, WebApplicationSecret> = {};
  for (let i = 0; i < count; i++) {
    const arn = `arn:aws:secretsmanager:eu-west-3:123456789012:secret:shop/production/secret-${String(i).padStart(3, '0')}-AbCdEf`;
    secrets[`SECRET_${i}`] = WebApplicationSecret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(stack, `S${i}`, arn));
  }
  const application = WebApplication.fromDirectory(NODE_APP_DIR, { startCommand: 'node server.js', healthCheckPath: '/healthz', secrets });
  return { stack, tier: new ZeroDowntimeWebTier(stack, 'Tier', { application }) };
}

describe('the web servers\' managed policy against IAM\'s 6,144 characters', () => {
  test('the size is IAM\'s count, the JSON without whitespace, when the document holds no reference', () => {
    const stack = new Stack(new App(), 'Stack');
    const policy = new iam.ManagedPolicy(stack, 'P', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/k'] })] });
    const exact = JSON.stringify(stack.resolve(policy.document)).length;
    expect(managedPolicySize(policy)).toEqual([exact, exact]);
  });

  test('a reference to a pseudo parameter counts as what it resolves to: at least "aws", "us-east-1" and the account', () => {
    const stack = new Stack(new App(), 'Stack');
    const policy = new iam.ManagedPolicy(stack, 'P', {
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${Aws.PARTITION}:s3:${Aws.REGION}:${Aws.ACCOUNT_ID}:x`] })],
    });
    const literal = new iam.ManagedPolicy(stack, 'Literal', {
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:us-east-1:123456789012:x'] })],
    });
    const shortest = JSON.stringify(stack.resolve(literal.document)).length;
    expect(managedPolicySize(policy)[0]).toBe(shortest);
  });

  test('with 40 secrets, the policy fits and the tier synthesizes', () => {
    const { stack, tier } = tierWithSecrets(40);
    const policy = Template.fromStack(stack).toJSON().Resources[logicalId(tier.webFleet.policy!)];
    expect(policy.Properties.PolicyDocument.Statement.length).toBeGreaterThan(0);
    expect(managedPolicySize(tier.webFleet.policy!)[1]).toBeLessThanOrEqual(6144);
  });

  test('fails at synthesis with 80 secrets, naming application and the size', () => {
    const { stack } = tierWithSecrets(80);
    expect(() => Template.fromStack(stack)).toThrow(/Invalid application: received "80 secrets, a managed policy of at least \d{4} characters"; must fit IAM's limit of 6144 characters/);
  });

  test('a policy whose typical size passes the limit but whose shortest does not, warns', () => {
    const stack = new Stack(new App(), 'Stack');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const resources = Array.from({ length: 70 }, (_, i) => new secretsmanager.Secret(stack, `S${i}`).secretArn);
    const policy = new iam.ManagedPolicy(stack, 'P', { roles: [role], statements: [new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources })] });
    checkManagedPolicySize(policy, 'application', () => '70 secrets');
    Template.fromStack(stack);
    Annotations.fromStack(stack).hasWarning('/Stack/P', Match.stringLikeRegexp('^application \\(70 secrets\\).*about \\d+ characters'));
  });
});
