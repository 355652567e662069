/**
 * Reads a cloud assembly (`cdk.out`): its `manifest.json`, each stack's template and metadata, nested assemblies of
 * stages included (https://docs.aws.amazon.com/cdk/v2/guide/apps.html#apps-cloud-assembly), and the target group's
 * and load balancer's settings of each web fleet, AWS's defaults where the template leaves them
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay).
 */
import * as fs from 'fs';
import * as path from 'path';
import { LoadBalancerSettings, RehearsalTarget, TIER_DEFAULT_SETTINGS } from './fleet-settings';
import { resourcesOf } from './template-resources';
import { FleetRecord, REHEARSAL_METADATA } from '../../rehearse/fleet-record';
import { releaseChecksOfGroup, releaseDurations } from '../../web-fleet/release-duration';

/** A fleet found in a cloud assembly: what to rehearse, and where its application is. */
export interface AssemblyFleet extends RehearsalTarget {
  /** The application's asset as `cdk synth` staged it: a folder, or a zip file to unpack first. */
  readonly asset: { readonly path: string; readonly zip: boolean };
}

/**
 * Every web fleet of the tier in the cloud assembly `dir` (`cdk.out`), nested stages included: the record each
 * `WebFleet` leaves in `manifest.json`, with its target group's and load balancer's settings read from the
 * stack's template. Throws with one line when `dir` is no cloud assembly or holds no fleet.
 */
export function fleetsInCloudAssembly(dir: string): AssemblyFleet[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${dir} is not a cloud assembly (no manifest.json): run \`npx cdk synth\` first, or give --dir and --start`);
  }
  const fleets = readAssembly(dir);
  if (fleets.length === 0) {
    throw new Error(`${dir} holds no ZeroDowntimeWebTier or WebFleet: synthesize an app that has one, with this version of the library`);
  }
  return fleets;
}

/** A JSON file of the cloud assembly; a file that is not JSON is named in the error. */
function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}): run \`npx cdk synth\` again`);
  }
}

type Metadata = Record<string, Array<{ type: string; data: unknown }>>;

interface Manifest {
  artifacts?: Record<string, {
    type: string;
    properties?: { templateFile?: string; directoryName?: string };
    metadata?: Metadata;
    /** Where aws-cdk-lib 2.2xx writes a stack's metadata instead of `metadata`. */
    additionalMetadataFile?: string;
  }>;
}

function readAssembly(dir: string): AssemblyFleet[] {
  const manifest = readJson(path.join(dir, 'manifest.json')) as Manifest;
  const fleets: AssemblyFleet[] = [];
  for (const [name, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      fleets.push(...readAssembly(path.join(dir, artifact.properties.directoryName)));
    }
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) {
      continue;
    }
    const template = readJson(path.join(dir, artifact.properties.templateFile));
    const metadata: Metadata = { ...(artifact.metadata ?? {}) };
    if (artifact.additionalMetadataFile) {
      for (const [key, entries] of Object.entries(readJson(path.join(dir, artifact.additionalMetadataFile)) as Metadata)) {
        metadata[key] = [...(metadata[key] ?? []), ...entries];
      }
    }
    for (const [constructPath, entries] of Object.entries(metadata)) {
      for (const entry of entries) {
        if (entry.type === REHEARSAL_METADATA) {
          fleets.push(fleetOf(dir, `${name}${constructPath.replace(/^\/[^/]+/, '')}`, entry.data as FleetRecord, template));
        }
      }
    }
  }
  return fleets;
}

function fleetOf(dir: string, name: string, record: FleetRecord, template: unknown): AssemblyFleet {
  if (!record.assetPath || !record.startCommand || !record.port) {
    throw new Error(`${name}: its application's asset, startCommand or port is only known at deploy time; rehearse it with --dir, --start and --port`);
  }
  const assetPath = path.isAbsolute(record.assetPath) ? record.assetPath : path.join(dir, record.assetPath);
  const settings = settingsOf(template, record);
  return {
    asset: { path: assetPath, zip: record.assetIsZip && fs.statSync(assetPath).isFile() },
    application: {
      name,
      directory: assetPath,
      startCommand: record.startCommand,
      port: record.port,
      healthCheckPath: record.healthCheckPath ?? '/',
      pages: [record.mainPage ?? '/'],
      socketActivation: record.socketActivation,
      environment: Object.fromEntries(Object.entries(record.environment).map(([k, v]) => [k, v ?? `rehearsal-placeholder-for-${k}`])),
      secretNames: record.secretNames,
      installCommands: record.installCommands,
      releaseChecks: releaseChecksOfGroup(resourcesOf(template)[record.autoScalingGroup], resourcesOf(template)),
    },
    settings,
    releaseDuration: releaseDurations(template).find(d => d.logicalId === record.autoScalingGroup),
  };
}

/** The target group and load balancer of the fleet's group, from the template: the settings a user deploys. */
function settingsOf(template: unknown, record: FleetRecord): LoadBalancerSettings {
  const resources = resourcesOf(template);
  const group = resources[record.autoScalingGroup]?.Properties ?? {};
  const tgId: string | undefined = (group.TargetGroupARNs ?? []).map((arn: any) => arn?.Ref).find((id: unknown) => typeof id === 'string');
  const tg = tgId ? resources[tgId]?.Properties ?? {} : {};
  const attribute = (list: Array<{ Key: string; Value: string }> | undefined, key: string) => list?.find(a => a.Key === key)?.Value;
  const listener = Object.values(resources).find(r => r.Type === 'AWS::ElasticLoadBalancingV2::Listener' &&
    JSON.stringify(r.Properties?.DefaultActions ?? []).includes(`"Ref":"${tgId}"`));
  const albId = listener?.Properties?.LoadBalancerArn?.Ref;
  const alb = albId ? resources[albId]?.Properties ?? {} : {};
  const number = (value: unknown, fallback: number) => (typeof value === 'number' || (typeof value === 'string' && value !== '') ? Number(value) : fallback);
  const d = TIER_DEFAULT_SETTINGS;
  return {
    idleTimeoutSeconds: number(attribute(alb.LoadBalancerAttributes, 'idle_timeout.timeout_seconds'), d.idleTimeoutSeconds),
    healthCheckIntervalSeconds: number(tg.HealthCheckIntervalSeconds, d.healthCheckIntervalSeconds),
    healthCheckTimeoutSeconds: number(tg.HealthCheckTimeoutSeconds, d.healthCheckTimeoutSeconds),
    healthyThreshold: number(tg.HealthyThresholdCount, d.healthyThreshold),
    unhealthyThreshold: number(tg.UnhealthyThresholdCount, d.unhealthyThreshold),
    healthyHttpCodes: typeof tg.Matcher?.HttpCode === 'string' ? tg.Matcher.HttpCode : d.healthyHttpCodes,
    // AWS's own default when the attribute is not set: 300 s.
    deregistrationDelaySeconds: number(attribute(tg.TargetGroupAttributes, 'deregistration_delay.timeout_seconds'), tgId ? 300 : d.deregistrationDelaySeconds),
    readinessBudgetSeconds: record.readinessBudgetSeconds ?? d.readinessBudgetSeconds,
  };
}
