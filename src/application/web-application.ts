import * as fs from 'fs';
import * as path from 'path';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { ReleaseCheck, resolveReleaseChecks } from './release-check';
import { checkApplicationFolder, checkAssetIsZip, checkWebApplicationOptions, normalizedOptions } from './web-application-checks';
import { WebApplicationSecret } from './web-application-secret';
import { WebTierFeatureFlags } from '../feature-flags';
import { ASSETS_DIR } from '../instance-files';
import { invalidProp } from '../validation';

/**
 * How a web application runs on the web servers.
 */
export interface WebApplicationOptions {
  /**
   * The shell command that starts the application, run in the application's folder by a hardened systemd unit
   * (restarted whenever it exits), with the variables of the environment file set. It must keep running in the
   * foreground and listen on `$PORT`.
   */
  readonly startCommand: string;

  /**
   * The port the application listens on, from 1024 to 65535 (the application runs unprivileged; never SSH's 22).
   *
   * @default - the tier's `webPort`
   */
  readonly port?: number;

  /**
   * The page the load balancer checks (unless the tier's `healthCheck.path` is given), which also decides when a
   * new server is ready during a deploy; a path starting with `/`, without spaces or control characters.
   *
   * @default "/"
   */
  readonly healthCheckPath?: string;

  /**
   * More variables for the environment file, beside the reserved ones (`PORT`, `INSTANCE_ID`,
   * `AVAILABILITY_ZONE`, `REDIS_*`...). Names are shell identifiers; values are stored in the user-data (as they
   * are, byte for byte), so give secrets as `secrets` instead (a secret's value here warns).
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * Shell commands run once as root in the application's folder at boot, before the start,
   * for example `dnf install -y nodejs` or `pip3 install -r requirements.txt`.
   *
   * @default - none
   */
  readonly installCommands?: string[];

  /**
   * systemd holds the listening socket (`webtier.socket`) and hands it to the application as file descriptor 3
   * (`LISTEN_FDS=1`, `LISTEN_PID`): connections that arrive while the application restarts wait in the socket's
   * queue instead of being refused. The application must then serve the inherited socket instead of binding `PORT`.
   *
   * @default false
   */
  readonly socketActivation?: boolean;

  /**
   * Secrets for the environment file, by variable name: Secrets Manager secrets (whole, or one JSON field) and
   * SSM parameters, read by each server at boot. Only their names and ARNs are in the user-data; the web servers
   * may read exactly these. Names follow the rules of `environment` and must not repeat one of its names.
   *
   * @default - none
   */
  readonly secrets?: Record<string, WebApplicationSecret>;

  /**
   * Requests each new server sends to its own application (127.0.0.1, the application's port) after its boot and
   * before it joins the target group: any wrong answer (status, body text, no answer within 10 s, three tries) and the
   * server never serves a user, and the release is stopped and rolled back at once (the fleet's release checks alarm).
   * At most 10; an empty list checks nothing beyond the health page. They run on every new server, also when the
   * group replaces a failed one, so keep them free of side effects.
   *
   * @default - the application's main page answers 200: `GET /` (the hello counter's `HEAD /cgi-bin/hello.py`, which reads its counter in Redis and counts no visit); without the feature flag `WebTierFeatureFlags.RELEASE_CHECK_MAIN_PAGE` (an app from before it), an application of the user's gets none
   */
  readonly releaseChecks?: ReleaseCheck[];
}

/** Where the web servers download an application from, once bound to a construct. */
export interface WebApplicationBundle {
  /** The bucket of the application's zip file. */
  readonly bucketName: string;
  /** The key of the application's zip file in that bucket. */
  readonly objectKey: string;
}

/** The names the environment file always sets; `environment` may not override them. */
export const RESERVED_ENVIRONMENT = [
  'PORT', 'INSTANCE_ID', 'AVAILABILITY_ZONE', 'REDIS_HOST', 'REDIS_PORT', 'REDIS_TLS', 'REDIS_AUTH_TOKEN',
  // The hello counter's names (webtier_server.py reads them) and the file's own path.
  'WEB_PORT', 'WEB_BIND', 'COUNTER_KEY', 'WEBTIER_ENV_FILE',
];

/** The reserved prefixes: `REDIS_*` and `WEBTIER_*`. */
const RESERVED_PREFIXES = ['REDIS_', 'WEBTIER_'];

/** The `healthCheckPath` each application was given, when it was given (`healthCheckPath` itself holds the default). */
const GIVEN_HEALTH_CHECK_PATHS = new WeakMap<WebApplication, string>();

/** The asset each application was bound to, for the rehearsal's record of the fleet (`applicationAsset`). */
const BOUND_ASSETS = new WeakMap<WebApplication, s3assets.Asset>();

/** The hello counters made by `helloCounter()`: their page is `/cgi-bin/hello.py`, not `/`. */
const HELLO_COUNTERS = new WeakSet<WebApplication>();

/** The applications whose `releaseChecks` is the default (`GET /`), not given by the user. */
const DEFAULT_RELEASE_CHECKS = new WeakSet<WebApplication>();

/**
 * The release checks a fleet in `scope` runs for `application`: its own, or the default main-page check only where
 * the app has the feature flag `RELEASE_CHECK_MAIN_PAGE` (an app from before it keeps releasing without a check).
 */
export function applicationReleaseChecks(scope: Construct, application: WebApplication): ReleaseCheck[] {
  return DEFAULT_RELEASE_CHECKS.has(application) && !WebTierFeatureFlags.isEnabled(scope, WebTierFeatureFlags.RELEASE_CHECK_MAIN_PAGE)
    ? [] : application.releaseChecks;
}

/** The page a visitor asks of `application` (for the rehearsal's clients). */
export function applicationMainPage(application: WebApplication): string {
  return HELLO_COUNTERS.has(application) ? '/cgi-bin/hello.py' : '/';
}

/** The S3 asset of `application` once a fleet has bound it. */
export function applicationAsset(application: WebApplication): s3assets.Asset | undefined {
  return BOUND_ASSETS.get(application);
}

/** The `healthCheckPath` the application's options gave, or `undefined` when they left it to the default. */
export function givenHealthCheckPath(application: WebApplication): string | undefined {
  return GIVEN_HEALTH_CHECK_PATHS.get(application);
}

/**
 * The web application the web servers run: the tutorial's hello counter, a folder of your own, or a zip built
 * elsewhere. Each server downloads it (an S3 asset) at boot, runs `installCommands` once, writes the environment
 * file `/etc/webtier/webtier.env` and starts `startCommand` under systemd; changing any file of the application
 * changes the launch template, so a deploy rolls the fleet without downtime.
 */
export abstract class WebApplication {
  /**
   * The tutorial's hello counter: `/cgi-bin/hello.py` counts visits in Redis, `/cgi-bin/ping.py` answers the health
   * check. Python 3 from Amazon Linux 2023.
   */
  public static helloCounter(): WebApplication {
    const hello = new DirectoryApplication(path.join(ASSETS_DIR, 'web'), {
      startCommand: 'exec python3 webtier_server.py --config "$WEBTIER_ENV_FILE"',
      healthCheckPath: '/cgi-bin/ping.py',
      // Standard library only (its Redis client is cgi-bin/redis_client.py): nothing to install from PyPI at boot.
      // webtier_server.py serves the socket systemd passes, so a crash costs no connection.
      socketActivation: true,
      // Its main page reads the counter in Redis (HEAD counts no visit): a server that cannot reach Redis never serves.
      releaseChecks: [{ path: '/cgi-bin/hello.py', method: 'HEAD' }],
    }, ['*.sh', '*.service', '*.socket', '__pycache__', '*.pyc']);
    // Its page is a default, not a choice: a `healthCheck.path` of the tier's applies to the boot as well.
    GIVEN_HEALTH_CHECK_PATHS.delete(hello);
    HELLO_COUNTERS.add(hello);
    return hello;
  }

  /**
   * Your application from a local folder, zipped into a CDK file asset at synthesis.
   *
   * @param directory the folder, which must exist and hold at least one file
   * @param options how it starts
   */
  public static fromDirectory(directory: string, options: WebApplicationOptions): WebApplication {
    if (typeof directory !== 'string' || directory === '') {
      throw invalidProp('directory', directory, 'must be the path of a folder holding the application');
    }
    let entries: string[] | undefined;
    try {
      entries = fs.statSync(directory).isDirectory() ? fs.readdirSync(directory) : undefined;
    } catch {
      entries = undefined;
    }
    if (entries === undefined) {
      throw invalidProp('directory', directory, 'must be an existing folder holding the application');
    }
    if (entries.length === 0) {
      throw invalidProp('directory', directory, 'must not be empty: it is the application that every web server downloads');
    }
    return new DirectoryApplication(path.resolve(directory), options);
  }

  /**
   * Your application as a zip file asset built elsewhere (for example by CI): `new s3_assets.Asset(this, 'App',
   * { path: 'build/app.zip' })` or a folder asset (which CDK zips). Any other single file is refused: the boot unzips it.
   *
   * @param asset the asset; the web servers may read this one object and nothing else of its bucket
   * @param options how it starts
   */
  public static fromAsset(asset: s3assets.Asset, options: WebApplicationOptions): WebApplication {
    checkAssetIsZip('asset', asset);
    return new AssetApplication(asset, options);
  }

  /** The command that starts the application, in its folder. */
  public readonly startCommand: string;

  /** The port it listens on; `undefined` means the tier's `webPort`. */
  public readonly port?: number;

  /** The page the load balancer checks. */
  public readonly healthCheckPath: string;

  /** The variables added to the environment file. */
  public readonly environment: Record<string, string>;

  /** The commands run once at boot before the start. */
  public readonly installCommands: string[];

  /** Whether systemd passes the listening socket to the application. */
  public readonly socketActivation: boolean;

  /** The secrets added to the environment file at boot, by variable name. */
  public readonly secrets: Record<string, WebApplicationSecret>;

  /** The requests a new server must answer correctly before it serves (`releaseChecks`, with the default). */
  public readonly releaseChecks: ReleaseCheck[];

  protected constructor(options: WebApplicationOptions) {
    // JavaScript callers may leave the options out, or give null for an optional value (the default applies).
    options = normalizedOptions(options);
    checkWebApplicationOptions(options, RESERVED_ENVIRONMENT, RESERVED_PREFIXES);
    this.startCommand = options.startCommand;
    this.port = options.port;
    this.healthCheckPath = options.healthCheckPath ?? '/';
    if (options.healthCheckPath !== undefined) {
      GIVEN_HEALTH_CHECK_PATHS.set(this, options.healthCheckPath);
    }
    this.environment = { ...(options.environment ?? {}) };
    this.installCommands = [...(options.installCommands ?? [])];
    this.socketActivation = options.socketActivation ?? false;
    this.secrets = { ...(options.secrets ?? {}) };
    this.releaseChecks = resolveReleaseChecks(options.releaseChecks ?? [{ path: '/' }], 'releaseChecks');
    if (options.releaseChecks === undefined) {
      DEFAULT_RELEASE_CHECKS.add(this);
    }
  }

  /**
   * Makes (or finds) the application's S3 asset for a web fleet.
   *
   * @param scope the construct that downloads it
   */
  public abstract bind(scope: Construct): WebApplicationBundle;
}

class DirectoryApplication extends WebApplication {
  constructor(private readonly directory: string, options: WebApplicationOptions, private readonly exclude?: string[]) {
    super(options);
  }

  public bind(scope: Construct): WebApplicationBundle {
    checkApplicationFolder(scope, 'directory', this.directory);
    const asset = new s3assets.Asset(scope, 'Application', { path: this.directory, exclude: this.exclude });
    BOUND_ASSETS.set(this, asset);
    return { bucketName: asset.s3BucketName, objectKey: asset.s3ObjectKey };
  }
}

class AssetApplication extends WebApplication {
  constructor(private readonly asset: s3assets.Asset, options: WebApplicationOptions) {
    super(options);
  }

  public bind(_scope: Construct): WebApplicationBundle {
    BOUND_ASSETS.set(this, this.asset);
    return { bucketName: this.asset.s3BucketName, objectKey: this.asset.s3ObjectKey };
  }
}
