import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Fn, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Where the on-instance files live: `assets/` at the package root, beside `src/` and `lib/`. */
export const ASSETS_DIR = path.join(__dirname, '..', 'assets');

/** Where the user-data puts them on the instance. */
export const INSTANCE_HOME = '/opt/webtier';

/** EC2's limit on user-data, in bytes, before base64 encoding. */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

/**
 * The room a token (a Redis endpoint, an allocation id, a secret ARN) may take once CloudFormation resolves it.
 * 255 characters is the longest DNS name, so the estimate never undercounts.
 */
const TOKEN_ALLOWANCE = 255;

const HEREDOC_END = 'WEBTIER_FILE_EOF';

/**
 * Where an asset lands on the instance: `<role>/x` at `INSTANCE_HOME/x`, anything else (`common/...`) as it is.
 */
export function instancePath(role: string, file: string): string {
  return `${INSTANCE_HOME}/${file.startsWith(`${role}/`) ? file.slice(role.length + 1) : file}`;
}

/**
 * Shell lines that write the asset files (paths relative to `assets/`) of one role (`web`, `bastion`)
 * under `INSTANCE_HOME`, and make the shell scripts executable.
 */
export function writeInstanceFiles(role: string, files: string[]): string[] {
  const dirs = new Set(files.map(f => path.posix.dirname(instancePath(role, f))));
  const lines = [`install -d -m 0755 ${[...dirs].sort().join(' ')}`];
  for (const file of files) {
    const content = fs.readFileSync(path.join(ASSETS_DIR, file), 'utf8');
    if (content.split('\n').includes(HEREDOC_END)) {
      throw new Error(`Asset ${file} contains the line ${HEREDOC_END}, which ends the user-data heredoc that writes it`);
    }
    const target = instancePath(role, file);
    lines.push(`cat > ${target} <<'${HEREDOC_END}'`, content.replace(/\n$/, ''), HEREDOC_END);
    lines.push(`chmod ${file.endsWith('.sh') ? '0755' : '0644'} ${target}`);
  }
  return lines;
}

const stagedFolders = new Map<string, string>();

/**
 * A folder with the asset files (paths relative to `assets/`) of one role laid out as on the instance
 * (`<role>/x` at `x`, `common/...` as it is), to ship as one S3 asset. Staged once per process and role;
 * its content, hence the asset hash, depends only on the files.
 */
export function stagedInstanceFiles(role: string, files: string[]): string {
  const key = `${role}:${files.join(',')}`;
  let dir = stagedFolders.get(key);
  if (dir === undefined || !fs.existsSync(dir)) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `webtier-${role}-boot-`));
    for (const file of files) {
      const target = path.join(dir, instancePath(role, file).slice(INSTANCE_HOME.length + 1));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(ASSETS_DIR, file), target);
      fs.chmodSync(target, file.endsWith('.sh') ? 0o755 : 0o644);
    }
    stagedFolders.set(key, dir);
  }
  return dir;
}

/** How CDK renders an unresolved token in a string: `${Token[...]}`. */
const CDK_TOKEN = /\$\{Token\[[^\]]+\]\}/g;

/** `text` with each `'` written for the inside of a shell single-quoted string. */
function escapeSingleQuotes(text: string): string {
  return text.replace(/'/g, '\'\\\'\'');
}

/**
 * `text` for the inside of a shell single-quoted string: the literal parts escaped, each token left as it is (the
 * tier's tokens are ARNs, ids and DNS names, which hold no quote).
 */
function singleQuotedBody(text: string): string {
  if (!Token.isUnresolved(text)) {
    return escapeSingleQuotes(text);
  }
  let body = '';
  let last = 0;
  for (const match of text.matchAll(CDK_TOKEN)) {
    body += escapeSingleQuotes(text.slice(last, match.index)) + match[0];
    last = match.index! + match[0].length;
  }
  return body + escapeSingleQuotes(text.slice(last));
}

/** `export NAME='value'` for each variable, quoting literal values (and the literal parts around tokens) for the shell. */
export function exportVariables(variables: Record<string, string | number | boolean>): string[] {
  return Object.entries(variables).map(([name, value]) => `export ${name}='${singleQuotedBody(String(value))}'`);
}

/**
 * Shell lines that export a value given by the user, byte for byte: a literal single-quoted; a value holding
 * tokens (a parameter, an attribute, a dynamic reference may resolve to anything, quotes included) as base64
 * that CloudFormation computes at deploy time (`Fn::Base64`) and the instance decodes, so no resolved value
 * can break out of its quotes.
 */
export function exportUserValue(name: string, value: string): string[] {
  if (!Token.isUnresolved(value)) {
    return exportVariables({ [name]: value });
  }
  // Fn::Base64 may sit inside the user-data's Fn::Join (and take a Fn::Join itself):
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-join.html
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-base64.html
  // The "." keeps trailing newlines, which command substitution would strip; `&&` fails the line when base64 does.
  return [
    `${name}=$(base64 -d <<<'${Fn.base64(value)}' && printf .)`,
    `export ${name}="\${${name}%.}"`,
  ];
}

/**
 * The bytes by which `exportUserValue` outgrows the size estimate once deployed: base64 takes 4 bytes per 3, while
 * the estimate counts the encoded token as one token.
 */
export function userValueExtraBytes(value: string): number {
  if (!Token.isUnresolved(value)) {
    return 0;
  }
  const decoded = deployedUserDataBytes(value);
  return Math.max(0, 4 * Math.ceil(decoded / 3) - TOKEN_ALLOWANCE);
}

/** A part of some user-data that came from one prop of the user, and the bytes it takes once deployed. */
export interface UserDataPart {
  readonly prop: string;
  readonly bytes: number;
  /** Bytes beyond what `estimatedUserDataBytes` counts for it. */
  readonly extraBytes?: number;
}

const userDataParts = new WeakMap<ec2.UserData, UserDataPart[]>();

/** Records which props of the user make up part of `userData`, so that a size message can name them. */
export function describeUserDataParts(userData: ec2.UserData, parts: UserDataPart[]): void {
  userDataParts.set(userData, [...(userDataParts.get(userData) ?? []), ...parts]);
}

/**
 * The size rendered user-data will have once deployed, in bytes, counting each token (each match of `tokenPattern`,
 * a global regular expression) at its longest.
 */
export function deployedUserDataBytes(rendered: string, tokenPattern: RegExp = CDK_TOKEN): number {
  return Buffer.byteLength(rendered.replace(tokenPattern, 'x'.repeat(TOKEN_ALLOWANCE)), 'utf8');
}

/**
 * The size the user-data will have once deployed, in bytes, counting each token at its longest.
 */
export function estimatedUserDataBytes(userData: ec2.UserData): number {
  const extra = (userDataParts.get(userData) ?? []).reduce((sum, part) => sum + (part.extraBytes ?? 0), 0);
  return deployedUserDataBytes(userData.render()) + extra;
}

/**
 * A validation message when the user-data is over EC2's 16 KB limit, or nothing. It names the props of the user
 * that take the most room, when the user-data's owner described them (`describeUserDataParts`).
 *
 * @param owner what the user-data belongs to, for the message
 */
export function checkUserDataSize(owner: string, userData: ec2.UserData): string[] {
  const bytes = estimatedUserDataBytes(userData);
  if (bytes <= USER_DATA_LIMIT_BYTES) {
    return [];
  }
  const parts = [...(userDataParts.get(userData) ?? [])].sort((a, b) => b.bytes - a.bytes);
  const fromProps = parts.reduce((sum, part) => sum + part.bytes, 0);
  const named = parts.length === 0 ? '' : ` The largest parts come from ${parts.slice(0, 3).map(p => `${p.prop} (about ${p.bytes} bytes)`).join(', ')}; ` +
    `the rest (about ${bytes - fromProps} bytes) is the boot itself and any commands added to the user-data.`;
  return [
    `The user-data of ${owner} would be about ${bytes} bytes, over EC2's limit of ${USER_DATA_LIMIT_BYTES} bytes (16 KB).${named} ` +
    'Move large additions into a file the instance downloads (an S3 asset, such as the application\'s own folder) instead of inlining them.',
  ];
}
