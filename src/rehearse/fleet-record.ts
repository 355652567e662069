import { Stack, Token } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';

/** The construct metadata type a web fleet leaves in the cloud assembly (`manifest.json`) for the rehearsal. */
export const REHEARSAL_METADATA = 'cdk-zero-downtime-web-tier:rehearsal';

/**
 * What a web fleet records of its application for `rehearse`, so that nothing is described twice. Values that
 * are CDK tokens (known only at deploy time) are left out. The target group and load balancer settings are read
 * from the template itself, from the group's logical ID.
 */
export interface FleetRecord {
  /** The Auto Scaling group's logical ID in the stack's template. */
  readonly autoScalingGroup: string;
  /** The application's asset, relative to the cloud assembly (absolute when staging is off). */
  readonly assetPath?: string;
  readonly assetIsZip: boolean;
  readonly startCommand?: string;
  readonly port?: number;
  readonly healthCheckPath?: string;
  /** The page the rehearsal's clients ask (`/`; the hello counter's `/cgi-bin/hello.py`). */
  readonly mainPage: string;
  readonly socketActivation: boolean;
  /** The application's `environment`; a value that is a token is recorded as null. */
  readonly environment: Record<string, string | null>;
  readonly secretNames: string[];
  readonly installCommands: string[];
  /** `deployTimeout`, in seconds. */
  readonly readinessBudgetSeconds?: number;
}

/** The application values a fleet records. */
export interface FleetRecordInput {
  readonly asset?: s3assets.Asset;
  readonly mainPage: string;
  readonly startCommand: string;
  readonly port: number;
  readonly healthCheckPath: string;
  readonly socketActivation: boolean;
  readonly environment: Record<string, string>;
  readonly secretNames: string[];
  readonly installCommands: string[];
  readonly readinessBudgetSeconds: number;
  readonly autoScalingGroupLogicalId: string;
}

const known = <T>(value: T): T | undefined => (Token.isUnresolved(value) ? undefined : value);

/** Leaves the fleet's record on `fleet` (construct metadata: in `manifest.json`, not in the template). */
export function recordFleetForRehearsal(fleet: Construct, input: FleetRecordInput): void {
  const record: FleetRecord = {
    autoScalingGroup: Stack.of(fleet).resolve(input.autoScalingGroupLogicalId),
    assetPath: input.asset?.assetPath,
    assetIsZip: input.asset?.isZipArchive ?? false,
    startCommand: known(input.startCommand),
    port: known(input.port),
    healthCheckPath: known(input.healthCheckPath),
    mainPage: input.mainPage,
    socketActivation: input.socketActivation,
    environment: Object.fromEntries(Object.entries(input.environment).map(([k, v]) => [k, known(v) ?? null])),
    secretNames: input.secretNames,
    installCommands: input.installCommands.filter(c => !Token.isUnresolved(c)),
    readinessBudgetSeconds: Number.isFinite(input.readinessBudgetSeconds) ? input.readinessBudgetSeconds : undefined,
  };
  fleet.node.addMetadata(REHEARSAL_METADATA, record);
}
