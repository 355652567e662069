import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
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

/** `export NAME='value'` for each variable, quoting literal values for the shell. */
export function exportVariables(variables: Record<string, string | number | boolean>): string[] {
  return Object.entries(variables).map(([name, value]) => {
    const text = String(value);
    const quoted = Token.isUnresolved(text) ? text : text.replace(/'/g, '\'\\\'\'');
    return `export ${name}='${quoted}'`;
  });
}

/**
 * The size the user-data will have once deployed, in bytes, counting each token at its longest.
 */
export function estimatedUserDataBytes(userData: ec2.UserData): number {
  const rendered = userData.render().replace(/\$\{Token\[[^\]]+\]\}/g, 'x'.repeat(TOKEN_ALLOWANCE));
  return Buffer.byteLength(rendered, 'utf8');
}

/**
 * A validation message when the user-data is over EC2's 16 KB limit, or nothing.
 *
 * @param owner what the user-data belongs to, for the message
 */
export function checkUserDataSize(owner: string, userData: ec2.UserData): string[] {
  const bytes = estimatedUserDataBytes(userData);
  if (bytes <= USER_DATA_LIMIT_BYTES) {
    return [];
  }
  return [
    `The user-data of ${owner} would be about ${bytes} bytes, over EC2's limit of ${USER_DATA_LIMIT_BYTES} bytes (16 KB). ` +
    'Move large additions into a file the instance downloads (an S3 asset) instead of inlining them.',
  ];
}
