/**
 * #22 item 1, the application's secrets, in the template: only names and ARNs in the user-data, and a web role that
 * may read exactly those secrets and parameters (and decrypt with their customer managed keys), nothing else.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { NODE_APP_DIR as NODE_APP } from '../../examples/node-app';
import { WebApplication, WebApplicationOptions, WebApplicationSecret, ZeroDowntimeWebTier } from '../../src';
import { expectInvalidProp, logicalId, statementsGrantedTo, userDataOf, variablesExportedBy } from '../util';

const nodeApp = (options: Partial<WebApplicationOptions> = {}) =>
  WebApplication.fromDirectory(NODE_APP, { startCommand: 'node server.js', healthCheckPath: '/healthz', ...options });

/** A tier whose application has the secrets that `secrets` makes in its stack. */
function tierWith(secrets: (stack: Stack) => Record<string, WebApplicationSecret>, options: Partial<WebApplicationOptions> = {}) {
  const stack = new Stack(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-cdk-out-')) }), 'Stack',
    { env: { account: '123456789012', region: 'eu-west-3' } });
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', { application: nodeApp({ ...options, secrets: secrets(stack) }) });
  const template = Template.fromStack(stack);
  const userData = userDataOf(template, logicalId(tier.webFleet.launchTemplate));
  const statements = statementsGrantedTo(template, logicalId(tier.webFleet.role)).map(s => stack.resolve(s));
  const granted = (prefix: string) => statements.filter(s => [s.Action].flat().some((a: string) => a.startsWith(prefix)));
  return { stack, tier, template, userData, variables: variablesExportedBy(userData), granted };
}

describe('WebApplicationSecret', () => {
  // GIVEN a tier with a whole secret, one field of a secret with a customer managed key, and two SSM parameters
  const given = tierWith((stack) => {
    const key = new kms.Key(stack, 'AppKey');
    return {
      API_KEY: WebApplicationSecret.fromSecretsManager(new secretsmanager.Secret(stack, 'ApiKey')),
      DB_PASSWORD: WebApplicationSecret.fromSecretsManager(new secretsmanager.Secret(stack, 'Db', { encryptionKey: key }), 'password'),
      FLAG: WebApplicationSecret.fromSsmParameter(new ssm.StringParameter(stack, 'Flag', { parameterName: '/app/flag', stringValue: 'on' })),
      SIGNING_KEY: WebApplicationSecret.fromSsmParameter(
        ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Signing', { parameterName: '/app/signing-key' }), key),
    };
  });
  const ids = {
    apiKey: logicalId(given.stack.node.findChild('ApiKey')),
    db: logicalId(given.stack.node.findChild('Db')),
    key: logicalId(given.stack.node.findChild('AppKey')),
    flag: logicalId(given.stack.node.findChild('Flag').node.defaultChild as any),
  };

  test('the user-data carries each secret\'s ARN (and its JSON field), never a value or a dynamic reference', () => {
    // THEN
    expect(given.variables.get('WEBTIER_SECRETARN_API_KEY')).toBe(`{{Ref:${ids.apiKey}}}`);
    expect(given.variables.get('WEBTIER_SECRETARN_DB_PASSWORD')).toBe(`{{Ref:${ids.db}}}`);
    expect(given.variables.get('WEBTIER_SECRETFIELD_DB_PASSWORD')).toBe('password');
    expect(given.variables.has('WEBTIER_SECRETFIELD_API_KEY')).toBe(false);
    expect(given.variables.get('WEBTIER_SECRETARN_FLAG')).toBe(`arn:{{Ref:AWS::Partition}}:ssm:eu-west-3:123456789012:parameter{{Ref:${ids.flag}}}`);
    expect(given.variables.get('WEBTIER_SECRETARN_SIGNING_KEY')).toMatch(/parameter\/app\/signing-key/);
    expect(given.userData).not.toMatch(/resolve:secretsmanager|resolve:ssm|SecretString/);
    expect([...given.variables.keys()].filter(name => /^WEBTIER_ENV_/.test(name))).toEqual([]);
  });

  test('no output of the stack names a secret', () => {
    // THEN
    const outputs = JSON.stringify(given.template.toJSON().Outputs ?? {});
    expect(outputs).not.toContain(ids.apiKey);
    expect(outputs).not.toContain(ids.db);
    expect(outputs).not.toMatch(/resolve:/);
  });

  test('the web role may read exactly those secrets (and the Redis AUTH token), and exactly those parameters, in one statement each', () => {
    // THEN
    expect(given.granted('secretsmanager:')).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: logicalId(given.tier.cache.authToken) } }),
      { Sid: 'ReadApplicationSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: [{ Ref: ids.apiKey }, { Ref: ids.db }] },
    ]);
    const ssmStatements = given.granted('ssm:GetParameter');
    expect(ssmStatements.map(s => [s.Sid, s.Action])).toEqual([['ReadApplicationParameters', 'ssm:GetParameters']]);
    expect(ssmStatements[0].Resource.map((r: unknown) => JSON.stringify(r))).toEqual([
      expect.stringMatching(new RegExp(`:ssm:eu-west-3:123456789012:parameter",\\{"Ref":"${ids.flag}"\\}\\]\\]\\}$`)),
      expect.stringMatching(/:ssm:eu-west-3:123456789012:parameter\/app\/signing-key"/),
    ]);
  });

  test('the web role may decrypt with the customer managed key, only through Secrets Manager and SSM', () => {
    // THEN
    expect(given.granted('kms:')).toEqual([
      {
        Sid: 'DecryptApplicationSecrets',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [ids.key, 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-3.amazonaws.com' } },
      },
      {
        Sid: 'DecryptApplicationParameters',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [ids.key, 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-3.amazonaws.com' } },
      },
    ]);
  });

  test('with 40 secrets, the policy stays one statement per action, under a managed policy\'s 6,144 characters', () => {
    // WHEN
    const many = tierWith((stack) => Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`SECRET_${i}`,
      WebApplicationSecret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(stack, `S${i}`,
        `arn:aws:secretsmanager:eu-west-3:123456789012:secret:app/secret-${i}-AbCdEf`))])));
    // THEN
    const reads = many.granted('secretsmanager:').filter(s => s.Sid === 'ReadApplicationSecrets');
    expect(reads).toHaveLength(1);
    expect(reads[0].Resource).toHaveLength(40);
    const policies = many.template.findResources('AWS::IAM::ManagedPolicy');
    for (const policy of Object.values(policies)) {
      expect(JSON.stringify(many.stack.resolve(policy.Properties.PolicyDocument)).replace(/\s/g, '').length).toBeLessThan(6144);
    }
  });

  test('with no secrets, the web role may read no secret but the Redis AUTH token, no parameter, and use no key', () => {
    // WHEN
    const none = tierWith(() => ({}));
    // THEN
    expect(none.granted('secretsmanager:')).toHaveLength(1);
    expect(none.granted('ssm:GetParameter')).toEqual([]);
    expect(none.granted('kms:')).toEqual([]);
    expect([...none.variables.keys()].filter(name => name.startsWith('WEBTIER_SECRET'))).toEqual([]);
  });

  test('with a secret known by its name only, the web role may read that name with Secrets Manager\'s 6-character suffix', () => {
    // WHEN
    const byName = tierWith((stack) => ({ TOKEN: WebApplicationSecret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(stack, 'T', 'prod/token')) }));
    // THEN
    const resources = byName.granted('secretsmanager:').map(s => JSON.stringify(s.Resource));
    expect(resources).toEqual(expect.arrayContaining([expect.stringMatching(/:secret:prod\/token-\?\?\?\?\?\?"\]\]\}$/)]));
    expect(resources.join()).not.toContain('*');
  });

  test('exposes the ARN, the field and the key it reads with', () => {
    // GIVEN
    const stack = new Stack();
    const key = new kms.Key(stack, 'K');
    const secret = new secretsmanager.Secret(stack, 'S', { encryptionKey: key });
    // WHEN
    const whole = WebApplicationSecret.fromSecretsManager(secret, 'password');
    // THEN
    expect(whole.arn).toBe(secret.secretArn);
    expect(whole.field).toBe('password');
    expect(whole.encryptionKey).toBe(key);
  });

  describe('bad input', () => {
    const secret = () => WebApplicationSecret.fromSecretsManager(new secretsmanager.Secret(new Stack(), 'S'));
    test.each<[string, () => unknown, string, string, RegExp]>([
      ['a reserved name', () => nodeApp({ secrets: { PORT: secret() } }), 'secrets', '"PORT"', /reserved name/],
      ['a REDIS_* name', () => nodeApp({ secrets: { REDIS_PASSWORD: secret() } }), 'secrets', '"REDIS_PASSWORD"', /reserved name/],
      ['a WEBTIER_* name', () => nodeApp({ secrets: { WEBTIER_KEY: secret() } }), 'secrets', '"WEBTIER_KEY"', /reserved name/],
      ['a name that is not a shell identifier', () => nodeApp({ secrets: { 'DB-PASSWORD': secret() } }), 'secrets', '"DB-PASSWORD"', /shell identifiers/],
      ['a name also in environment', () => nodeApp({ environment: { DB_PASSWORD: 'x' }, secrets: { DB_PASSWORD: secret() } }),
        'secrets', '"DB_PASSWORD"', /must not repeat a name of environment/],
    ])('fails with %s', (_case, build, prop, received, rule) => {
      // WHEN / THEN
      expectInvalidProp(build, { prop, received, rule });
    });
  });
});
