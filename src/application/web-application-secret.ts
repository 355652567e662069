import { CfnParameter, SecretValue, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { IConstruct } from 'constructs';
import { checkRequired, invalidProp, warn } from '../validation';

/**
 * A secret of the web application, in the style of ECS's `Secret`: each web server reads it at boot and writes it
 * into the environment file (`/etc/webtier/webtier.env`, mode 0600, the application's user only). The user-data and
 * the template carry only its ARN; the web servers' role may read exactly this secret or parameter.
 *
 * A changed value reaches the application at the next boot of each server (a deploy that replaces the servers,
 * or a server replaced for its health).
 */
export abstract class WebApplicationSecret {
  /**
   * A Secrets Manager secret: its whole `SecretString`, or one field of it when it holds JSON.
   *
   * The web servers may call `secretsmanager:GetSecretValue` on this secret, and `kms:Decrypt` with its
   * `encryptionKey` through Secrets Manager when it has a customer managed one.
   *
   * @param secret the secret
   * @param field the JSON field to read, such as `password`
   */
  public static fromSecretsManager(secret: secretsmanager.ISecret, field?: string): WebApplicationSecret {
    checkRequired('secret', secret);
    if (typeof secret.secretArn !== 'string') {
      throw invalidProp('secret', secret, 'must be a Secrets Manager secret (secretsmanager.ISecret)');
    }
    if (field !== undefined && field !== null && (typeof field !== 'string' || (!Token.isUnresolved(field) && field === ''))) {
      throw invalidProp('field', field, 'must be the name of a JSON field of the secret, not empty, or left out for the whole secret');
    }
    return new SecretsManagerSecret(secret, field ?? undefined);
  }

  /**
   * An SSM parameter, String or SecureString (read with decryption).
   *
   * The web servers may call `ssm:GetParameters` on this parameter, and `kms:Decrypt` with `encryptionKey` through
   * SSM when given. A SecureString encrypted with the account's default key (`aws/ssm`) needs none.
   *
   * @param parameter the parameter
   * @param encryptionKey the customer managed KMS key of a SecureString parameter
   */
  public static fromSsmParameter(parameter: ssm.IParameter, encryptionKey?: kms.IKey): WebApplicationSecret {
    checkRequired('parameter', parameter);
    if (typeof parameter.parameterArn !== 'string') {
      throw invalidProp('parameter', parameter, 'must be an SSM parameter (ssm.IParameter)');
    }
    if (encryptionKey !== undefined && encryptionKey !== null && typeof encryptionKey.keyArn !== 'string') {
      throw invalidProp('encryptionKey', encryptionKey, 'must be a KMS key (kms.IKey), or left out');
    }
    checkParameterName(parameter.parameterName);
    return new SsmParameterSecret(parameter, encryptionKey ?? undefined);
  }

  /** The ARN the web servers read: the secret's or the parameter's. */
  public abstract readonly arn: string;

  /** The JSON field read from the secret; `undefined` reads all of it. */
  public abstract readonly field?: string;

  /** The customer managed KMS key the web servers may decrypt it with, if any. */
  public abstract readonly encryptionKey?: kms.IKey;

  /** The IAM statements that let a web server read it: this secret or parameter only, and its key. */
  public abstract policyStatements(): iam.PolicyStatement[];
}

/** `kms:Decrypt` with `key`, only when `service` (in the region of the secret) asks for it. */
function decryptThrough(key: kms.IKey, service: string, region: string): iam.PolicyStatement {
  // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
  return new iam.PolicyStatement({
    actions: ['kms:Decrypt'],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `${service}.${region}.amazonaws.com` } },
  });
}

class SecretsManagerSecret extends WebApplicationSecret {
  public readonly arn: string;
  public readonly encryptionKey?: kms.IKey;
  /** The account of the secret: from its ARN when imported, else its stack's. */
  public readonly account: string;

  constructor(private readonly secret: secretsmanager.ISecret, public readonly field?: string) {
    super();
    this.arn = secret.secretArn;
    this.encryptionKey = secret.encryptionKey;
    this.account = secret.env.account;
  }

  public policyStatements(): iam.PolicyStatement[] {
    // A secret known by its name only has a partial ARN; its full ARN ends in "-" and 6 random characters.
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html#auth-and-access_examples_wildcard
    const resource = this.secret.secretFullArn ?? `${this.secret.secretArn}-??????`;
    const statements = [new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resource] })];
    if (this.encryptionKey) {
      statements.push(decryptThrough(this.encryptionKey, 'secretsmanager', this.secret.env.region));
    }
    return statements;
  }
}

class SsmParameterSecret extends WebApplicationSecret {
  public readonly arn: string;
  public readonly field?: string = undefined;

  constructor(private readonly parameter: ssm.IParameter, public readonly encryptionKey?: kms.IKey) {
    super();
    this.arn = parameter.parameterArn;
  }

  public policyStatements(): iam.PolicyStatement[] {
    // GetParameters is the action the CLI's `ssm get-parameters` calls; it takes the parameter's ARN.
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html
    const statements = [new iam.PolicyStatement({ actions: ['ssm:GetParameters'], resources: [this.parameter.parameterArn] })];
    if (this.encryptionKey) {
      statements.push(decryptThrough(this.encryptionKey, 'ssm', this.parameter.env.region));
    }
    return statements;
  }
}

/** The characters of an SSM parameter name: letters, digits, `_`, `.`, `-`, and `/` between the levels of a hierarchy. */
const PARAMETER_NAME = /^[a-zA-Z0-9_.\-/]+$/;

/**
 * Refuses a parameter name SSM would refuse, as PutParameter's naming constraints state
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html#systemsmanager-PutParameter-request-Name,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html): only a-zA-Z0-9_.-
 * and `/`, at most 15 levels, at most 1011 characters, not prefixed `aws` or
 * `ssm` (AWS's own public parameters live under `/aws/`, and may be read). Unresolved names pass; a hierarchy without
 * its leading `/` is refused by CDK's own imports already.
 */
function checkParameterName(name: string): void {
  if (typeof name !== 'string' || Token.isUnresolved(name)) {
    return;
  }
  const rule = (text: string) => invalidProp('parameter', name, `${text} (SSM's naming rule for parameter names)`);
  if (!PARAMETER_NAME.test(name)) {
    throw rule('must be an SSM parameter name of a-z, A-Z, 0-9, _ . - and / only, with no spaces');
  }
  if (name.split('/').filter(level => level !== '').length > 15) {
    throw rule('must have at most 15 levels of hierarchy');
  }
  if (name.length > 1011) {
    throw rule(`must be at most 1011 characters (it has ${name.length})`);
  }
  if (/^(aws|ssm)/i.test(name)) {
    throw rule('must not begin with "aws" or "ssm" (any case)');
  }
}

/**
 * Refuses a Secrets Manager secret of another account than the stack's without a customer managed KMS key, and warns
 * when the accounts are known only at deploy: a secret encrypted with the AWS managed key (`aws/secretsmanager`)
 * cannot be read from another account, and the reader needs `kms:Decrypt` on the customer managed key, which the web
 * servers get when the secret names it (`Secret.fromSecretAttributes({ secretCompleteArn, encryptionKey })`)
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
 *
 * @param prop the secret as the caller's API names it, such as `secrets.DB_PASSWORD`
 */
export function checkSecretReadable(scope: IConstruct, prop: string, secret: WebApplicationSecret): void {
  if (!(secret instanceof SecretsManagerSecret) || secret.encryptionKey !== undefined) {
    return;
  }
  const theirs = secret.account;
  const ours = Stack.of(scope).account;
  if (theirs === ours) {
    return;
  }
  const fix = 'a secret of another account must be encrypted with a customer managed KMS key, given with ' +
    'secretsmanager.Secret.fromSecretAttributes({ secretCompleteArn, encryptionKey }), so the web servers may decrypt it';
  if (Token.isUnresolved(theirs) || Token.isUnresolved(ours)) {
    warn(scope, 'secretAccountUnknown', `${prop} (${Token.isUnresolved(secret.arn) ? 'a secret' : secret.arn}) names no encryption key, and its ` +
      `account or the stack's is known only at deploy: if it is of another account, every boot fails to read it; ${fix}`);
    return;
  }
  throw invalidProp(prop, secret.arn, `is a secret of account ${theirs}, not the stack's ${ours}, and names no encryption key: the AWS managed ` +
    `key (aws/secretsmanager) cannot be shared with another account; ${fix}`);
}

/** CloudFormation's dynamic references to secrets: resolved at deploy time, into the template's resource as plaintext. */
const SECRET_REFERENCE = /\{\{resolve:(secretsmanager|ssm-secure):/;

/**
 * What secret `value` carries, in words, or `undefined`: a `SecretValue` (or a token of one), or a dynamic reference
 * to Secrets Manager or a SecureString. In a launch template's user-data it becomes plaintext that anyone who may
 * describe the launch template (or read the instance's user-data) can read.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
 */
export function secretCarriedBy(scope: IConstruct, value: unknown): string | undefined {
  if (SecretValue.isSecretValue(value)) {
    return 'a SecretValue';
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  if (Token.isUnresolved(value) && Tokenization.reverseString(value).tokens.some(token => SecretValue.isSecretValue(token))) {
    return 'the value of a secret (a SecretValue)';
  }
  let text = value;
  if (Token.isUnresolved(value)) {
    try {
      text = JSON.stringify(Stack.of(scope).resolve(value));
    } catch {
      return undefined;
    }
  }
  const reference = SECRET_REFERENCE.exec(text);
  if (reference) {
    return `a dynamic reference ({{resolve:${reference[1]}:...}})`;
  }
  // A NoEcho parameter (`SecretValue.cfnParameter`): CloudFormation masks it in its own output, not in user-data.
  const refs = new Set([...text.matchAll(/"Ref":"([^"]+)"/g)].map(match => match[1]));
  const stack = Stack.of(scope);
  const hidden = stack.node.findAll().find(c => c instanceof CfnParameter && c.noEcho && refs.has(stack.getLogicalId(c)));
  return hidden ? `the NoEcho parameter ${(hidden as CfnParameter).logicalId}` : undefined;
}

/** Names that say their value is a secret. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

/** Whether a variable's name says it holds a secret (`DB_PASSWORD`, `STRIPE_API_KEY`, `GITHUB_TOKEN`). */
export function nameSaysSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}
