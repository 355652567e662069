import * as fs from 'fs';
import * as path from 'path';
import { SecretValue, Stage, Token } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import type { WebApplicationOptions } from './web-application';
import { WebApplicationSecret } from './web-application-secret';
import { checkIntegerInRange, checkList, checkPropsObject, invalidProp } from '../validation';

/** The optional values of `WebApplicationOptions`, which JavaScript callers may give as `null` for "the default". */
const OPTIONAL = ['port', 'healthCheckPath', 'environment', 'installCommands', 'socketActivation', 'secrets', 'releaseChecks'] as const;

/**
 * The options with each `null` optional value left out (the default applies), after checking that they are an
 * object at all: JavaScript callers may leave them out or pass something else.
 */
export function normalizedOptions(options: WebApplicationOptions): WebApplicationOptions {
  if (options === undefined || options === null) {
    throw invalidProp('options', options, 'is required: { startCommand: ... } at least');
  }
  checkPropsObject('options', options);
  const copy: Record<string, unknown> = { ...options };
  for (const name of OPTIONAL) {
    if (copy[name] === null) {
      delete copy[name];
    }
  }
  return copy as unknown as WebApplicationOptions;
}

/** Shell identifiers: the names bash (and systemd's EnvironmentFile) take for a variable. */
const SHELL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Throws unless `name` may be a variable of the environment file: a shell identifier, not one the tier writes.
 *
 * @param prop the prop, for the message (`environment`, `secrets`)
 */
function checkVariableName(prop: string, name: string, reserved: string[], reservedPrefixes: string[]): void {
  if (!SHELL_IDENTIFIER.test(name)) {
    throw invalidProp(prop, name, 'names must be shell identifiers: a letter or _, then letters, digits or _');
  }
  if (reserved.includes(name) || reservedPrefixes.some(prefix => name.startsWith(prefix))) {
    throw invalidProp(prop, name,
      `must not set a reserved name (${reserved.join(', ')}, or any ${reservedPrefixes.map(p => `${p}*`).join(', ')}): the tier writes those`);
  }
}

/** Whether `value` is a record of values (not a list, a string or a construct's token). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Token.isUnresolved(value);
}

/** Throws a plain `Error` naming the option, the value and the rule, for each rule of `WebApplicationOptions`. */
export function checkWebApplicationOptions(options: WebApplicationOptions, reserved: string[], reservedPrefixes: string[]): void {
  const start = options.startCommand;
  if (typeof start !== 'string' || (!Token.isUnresolved(start) && start.trim() === '')) {
    throw invalidProp('startCommand', start, 'must be a command that starts the application, not empty');
  }
  checkNoNul('startCommand', start);
  // The application runs unprivileged: 1024 and up, which also keeps it off SSH's port 22.
  checkIntegerInRange('port', options.port, 1024, 65535);
  const health = options.healthCheckPath;
  if (health !== undefined && (typeof health !== 'string'
    || (!Token.isUnresolved(health) && (!health.startsWith('/') || /[\s\x00-\x1f\x7f]/.test(health) || health.length > 1024)))) {
    throw invalidProp('healthCheckPath', health, 'must start with "/", be at most 1024 characters and hold no spaces or control characters');
  }
  if (options.socketActivation !== undefined && typeof options.socketActivation !== 'boolean') {
    throw invalidProp('socketActivation', options.socketActivation, 'must be true or false');
  }
  const environment = options.environment;
  if (environment !== undefined && !isRecord(environment)) {
    throw invalidProp('environment', environment, 'must be an object of variables, such as { GREETING: \'hello\' }');
  }
  for (const [name, value] of Object.entries(environment ?? {})) {
    checkVariableName('environment', name, reserved, reservedPrefixes);
    if (typeof value !== 'string' || (!Token.isUnresolved(value) && /[\x00-\x1f\x7f]/.test(value))) {
      const hint = SecretValue.isSecretValue(value) ? ' (for a secret, use `secrets` with WebApplicationSecret.fromSecretsManager)' : '';
      throw invalidProp(`environment.${name}`, value, `must be a string without newlines or control characters${hint}`);
    }
  }
  checkList('installCommands', options.installCommands, '[\'dnf install -y nodejs\']');
  (options.installCommands ?? []).forEach((command, index) => {
    if (typeof command !== 'string' || (!Token.isUnresolved(command) && command.trim() === '')) {
      throw invalidProp(`installCommands[${index}]`, command, 'must be a shell command, not empty');
    }
    checkNoNul(`installCommands[${index}]`, command);
  });
  const secrets = options.secrets;
  if (secrets !== undefined && !isRecord(secrets)) {
    throw invalidProp('secrets', secrets, 'must be an object of secrets by variable name, such as { DB_PASSWORD: WebApplicationSecret.fromSecretsManager(secret) }');
  }
  for (const [name, secret] of Object.entries(secrets ?? {})) {
    checkVariableName('secrets', name, reserved, reservedPrefixes);
    if (!(secret instanceof WebApplicationSecret)) {
      throw invalidProp(`secrets.${name}`, secret, 'must be a WebApplicationSecret (WebApplicationSecret.fromSecretsManager or fromSsmParameter)');
    }
    if (environment !== undefined && name in environment) {
      throw invalidProp('secrets', name, 'must not repeat a name of environment: each variable comes from one place');
    }
  }
}

/** Throws when a literal holds a NUL byte: bash cannot hold one in a variable, so the boot would cut the value there. */
function checkNoNul(prop: string, value: string): void {
  if (!Token.isUnresolved(value) && value.includes('\0')) {
    throw invalidProp(prop, value, 'must not hold a NUL character: a shell variable cannot carry it');
  }
}

/**
 * Throws unless `asset` is an S3 asset that is a zip (a folder CDK zips, or a `.zip` file): the boot unzips it, and
 * learning at boot that it is not a zip rolls the deploy back.
 */
export function checkAssetIsZip(prop: string, asset: unknown): void {
  if (!(asset instanceof s3assets.Asset)) {
    throw invalidProp(prop, asset, 'must be an aws-s3-assets Asset of a zip file or a folder, such as new s3_assets.Asset(this, \'App\', { path: \'build/app.zip\' })');
  }
  // A folder asset is zipped by CDK; of single files, only a zip (or a jar, which is one) unzips. CDK's `isZipArchive`
  // also holds for .tar.gz and other archives, which `unzip` refuses at boot.
  if (asset.isFile && !/\.(zip|jar)$/i.test(asset.assetPath)) {
    throw invalidProp(prop, asset.assetPath,
      'must be a zip file (.zip) or a folder: the web servers unzip the application, and this asset is a single file of another kind');
  }
}

/** Whether `inner` is `outer` or lies inside it. */
function isWithin(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Throws when the application's folder would make an asset that changes on every synthesis, or ships the CDK app
 * itself: a folder that holds the cloud assembly being written (`cdk.out`, or the app's `outdir`), a `cdk.out`
 * of an earlier synthesis, or the CDK app's root (its `cdk.json`). An asset that changes on every synthesis
 * changes the launch template, so every `cdk deploy` would replace every web server.
 */
export function checkApplicationFolder(scope: Construct, prop: string, directory: string): void {
  const outdir = Stage.of(scope)?.outdir;
  if (outdir !== undefined && isWithin(path.resolve(outdir), directory)) {
    throw invalidProp(prop, directory, `must not hold the CDK app's own output (${outdir}): the application's asset would hold ` +
      'the previous synthesis and change at every synthesis, so every deploy would replace every web server; point it at the application\'s own folder');
  }
  for (const [entry, cause] of [['cdk.out', 'holds a cdk.out folder (the output of a synthesis)'], ['cdk.json', 'is the root of a CDK app (it holds cdk.json)']]) {
    if (fs.existsSync(path.join(directory, entry))) {
      throw invalidProp(prop, directory, `must be the application's own folder, and this one ${cause}: the asset would ship the CDK app ` +
        'and its output, and change at every synthesis (every deploy would replace every web server)');
    }
  }
}
