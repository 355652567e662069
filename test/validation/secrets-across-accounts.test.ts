import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { NODE_APP_DIR } from '../../examples/node-app';
import { WebApplication, WebApplicationSecret, WebFleet, WebTierNetwork, ZeroDowntimeWebTier } from '../../src';
import { expectInvalidProp, logicalId, statementsGrantedTo } from '../util';

const ENV = { account: '123456789012', region: 'eu-west-3' };
const OTHER = '210987654321';
const secretArn = (account: string) => `arn:aws:secretsmanager:eu-west-3:${account}:secret:db-AbCdEf`;

function appWith(secret: WebApplicationSecret): WebApplication {
  return WebApplication.fromDirectory(NODE_APP_DIR, { startCommand: 'node server.js', healthCheckPath: '/healthz', secrets: { DB_PASSWORD: secret } });
}

function envStack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}

describe('Secrets Manager secrets of another account', () => {
  test('the one-liner fails with a secret of another account that names no customer managed key', () => {
    const stack = envStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Db', secretArn(OTHER));
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', { application: appWith(WebApplicationSecret.fromSecretsManager(secret)) }),
      { prop: 'secrets.DB_PASSWORD', received: secretArn(OTHER), rule: /account 210987654321, not the stack's 123456789012.*aws\/secretsmanager\) cannot be shared/ });
  });

  test('WebFleet alone fails the same way, naming the application\'s secret', () => {
    const stack = envStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Db', secretArn(OTHER));
    const vpc = new WebTierNetwork(stack, 'Network').vpc;
    expectInvalidProp(() => new WebFleet(stack, 'WebFleet', { vpc, application: appWith(WebApplicationSecret.fromSecretsManager(secret)) }),
      { prop: 'secrets.DB_PASSWORD', received: secretArn(OTHER), rule: /names no encryption key/ });
  });

  test('with the other account\'s customer managed key, the web servers may decrypt with it, through Secrets Manager only', () => {
    const stack = envStack();
    const keyArn = `arn:aws:kms:eu-west-3:${OTHER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const secret = secretsmanager.Secret.fromSecretAttributes(stack, 'Db', {
      secretCompleteArn: secretArn(OTHER), encryptionKey: kms.Key.fromKeyArn(stack, 'Key', keyArn),
    });
    const tier = new ZeroDowntimeWebTier(stack, 'Tier', { application: appWith(WebApplicationSecret.fromSecretsManager(secret)) });
    const statements = statementsGrantedTo(Template.fromStack(stack), logicalId(tier.webFleet.role)).map(s => stack.resolve(s));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'kms:Decrypt', Resource: keyArn, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-3.amazonaws.com' } },
    }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: secretArn(OTHER) }));
  });

  test('a secret of the stack\'s own account with its customer managed key is accepted, the key granted through Secrets Manager', () => {
    const stack = envStack();
    const keyArn = `arn:aws:kms:eu-west-3:${ENV.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const secret = secretsmanager.Secret.fromSecretAttributes(stack, 'Db', {
      secretCompleteArn: secretArn(ENV.account), encryptionKey: kms.Key.fromKeyArn(stack, 'Key', keyArn),
    });
    const tier = new ZeroDowntimeWebTier(stack, 'Tier', { application: appWith(WebApplicationSecret.fromSecretsManager(secret)) });
    const statements = statementsGrantedTo(Template.fromStack(stack), logicalId(tier.webFleet.role)).map(s => stack.resolve(s));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: keyArn }));
  });

  test('a secret of the stack\'s own account with no key is accepted, without a warning', () => {
    const stack = envStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Db', secretArn(ENV.account));
    new ZeroDowntimeWebTier(stack, 'Tier', { application: appWith(WebApplicationSecret.fromSecretsManager(secret)) });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('secretAccountUnknown'));
  });

  test('in a stack whose account is known only at deploy, an imported secret without a key warns', () => {
    const stack = new Stack(new App(), 'Stack');
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Db', secretArn(OTHER));
    new ZeroDowntimeWebTier(stack, 'Tier', { application: appWith(WebApplicationSecret.fromSecretsManager(secret)) });
    Annotations.fromStack(stack).hasWarning('/Stack/Tier/WebFleet', Match.stringLikeRegexp('^secrets.DB_PASSWORD .* known only at deploy'));
  });
});

describe('SSM parameter names', () => {
  test.each([
    ['a space', '/app/db password', /a-z, A-Z, 0-9, _ \. - and \/ only/],
    ['16 levels', `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`, /at most 15 levels/],
    ['the aws prefix', 'awsDbPassword', /must not begin with "aws" or "ssm"/],
    ['1012 characters', `/${'a'.repeat(1011)}`, /at most 1011 characters \(it has 1012\)/],
  ])('fails with a name with %s', (_case, name, rule) => {
    const stack = envStack();
    expectInvalidProp(() => WebApplicationSecret.fromSsmParameter(ssm.StringParameter.fromStringParameterName(stack, 'P', name)),
      { prop: 'parameter', received: JSON.stringify(name), rule });
  });

  test.each([
    ['15 levels', `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join('/')}`],
    ['a flat name', 'DbPassword_v2.1-prod'],
    ['one of AWS\'s public parameters', '/aws/service/global-infrastructure/regions'],
  ])('accepts %s', (_case, name) => {
    const stack = envStack();
    const secret = WebApplicationSecret.fromSsmParameter(ssm.StringParameter.fromStringParameterName(stack, 'P', name));
    expect(secret.arn).toContain(name.replace(/^\//, ''));
  });
});
