import { Duration, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkTierHealthPath } from './application/web-application-fleet';
import { checkSshPublicKey } from './bastion/ssh-public-key';
import { checkCacheRemovalPolicy } from './cache/cache-removal-policy';
import { RedisSettingNames, resolveRedisSettings } from './cache/redis-cache-props';
import { PartPropNames } from './caller-names';
import { healthyAfter, resolveWebHealthCheck } from './load-balancer/web-health-check';
import { checkZonalAutoshiftOptions } from './load-balancer/zonal-autoshift';
import { checkTierImages } from './machine-image';
import { checkAlarmsEnvironment, INSTANCE_REFRESH_ALARMS, PRACTICE_RUN_ALARMS } from './monitoring/alarm-region-checks';
import { checkAlarmTopicRegion, checkAlarmTopicWithMonitoring } from './monitoring/alarm-topic-checks';
import { resolveAvailabilityZones } from './network/availability-zones';
import { parseCidr } from './network/cidr';
import { resolveNatGatewayPlacement } from './network/nat-gateway-placement';
import { resolveSubnetLayout } from './network/subnet-layout';
import { resolveIpProtocol } from './network/web-tier-network';
import { checkNetworkChoice } from './network/web-tier-subnets';
import { checkInstanceType, checkList, checkPropsObject, checkRetentionDays, invalidProp, warn } from './validation';
import { GATE_ALARM_COUNT } from './web-fleet/release-gate';
import { resolveReleaseSettings } from './web-fleet/release-policy';
import { checkDeployTimeout, resolveWebFleetSettings, WebFleetSettings } from './web-fleet/web-fleet-settings';
import type { ZeroDowntimeWebTierProps } from './zero-downtime-web-tier-props';

/**
 * The one-liner's names of the props it passes to its parts under the parts' own names, by part id: what a part
 * reports later (a warning, a validation at synthesis) names the prop as the one-liner's caller spelled it.
 */
export const TIER_PART_NAMES: PartPropNames = {
  WebFleet: {
    webPort: 'webPort',
    instanceType: 'webInstanceType',
    minCapacity: 'webMinCapacity',
    maxCapacity: 'webMaxCapacity',
    desiredCapacity: 'webDesiredCapacity',
    cpuTargetUtilizationPercent: 'webCpuTargetUtilization',
    staticStability: 'webStaticStability',
    impairedZoneHealthCheckBehavior: 'webImpairedZoneHealthCheckBehavior',
    instanceWarmup: 'webInstanceWarmup',
  },
  Cache: {
    engine: 'redisEngine',
    nodeType: 'redisNodeType',
    port: 'redisPort',
    engineVersion: 'redisEngineVersion',
    replicas: 'redisReplicas',
    multiAz: 'redisMultiAz',
    snapshotRetentionDays: 'redisSnapshotRetentionDays',
    removalPolicy: 'redisRemovalPolicy',
  },
  ZonalAutoshift: {
    blockingAlarms: 'zonalAutoshift.blockingAlarms',
    blockedWindows: 'zonalAutoshift.blockedWindows',
    blockedDates: 'zonalAutoshift.blockedDates',
    loadBalancer: 'loadBalancer',
  },
};

/** The one-liner's web props, as `WebFleet` names them. */
export function webFleetSettingsOf(props: ZeroDowntimeWebTierProps): WebFleetSettings {
  return {
    webPort: props.webPort,
    instanceType: props.webInstanceType,
    minCapacity: props.webMinCapacity,
    maxCapacity: props.webMaxCapacity,
    desiredCapacity: props.webDesiredCapacity,
    cpuTargetUtilizationPercent: props.webCpuTargetUtilization,
  };
}

/**
 * Checks every prop of the one-liner, in its own names, before any part is built; warns about settings that turn off
 * a protection the README promises. The parts check again, in their own names, when used alone.
 */
export function checkTierProps(tier: Construct, props: ZeroDowntimeWebTierProps): void {
  checkNetworkChoice(props);
  resolveIpProtocol(props.ipProtocol);
  if (props.vpc === undefined) {
    resolveNatGatewayPlacement(props.natGatewayPlacement, props.natGatewayPerAz);
    const layout = resolveSubnetLayout(props.subnetLayout);
    resolveAvailabilityZones(tier, props.availabilityZones, layout.azCount);
    checkRetentionDays('flowLogRetention', props.flowLogRetention);
  }

  checkRetentionDays('applicationLogRetention', props.applicationLogRetention);
  const healthCheck = resolveWebHealthCheck(props.healthCheck);
  checkTierHealthPath(props.healthCheck?.path, props.application);
  const web = TIER_PART_NAMES.WebFleet;
  const { minCapacity, maxCapacity } = resolveWebFleetSettings({ ...webFleetSettingsOf(props), deployTimeout: props.deployTimeout }, {
    webPort: web.webPort,
    instanceType: web.instanceType,
    minCapacity: web.minCapacity,
    maxCapacity: web.maxCapacity,
    desiredCapacity: web.desiredCapacity,
    cpuTargetUtilizationPercent: web.cpuTargetUtilizationPercent,
    deployTimeout: 'deployTimeout',
  });
  if (props.anomalyMitigation && minCapacity < 3) {
    warn(tier, 'anomalyMitigationBelowThree', `anomalyMitigation is on but webMinCapacity is ${minCapacity}: AWS mitigates ` +
      'anomalies only while the target group has 3 or more healthy targets; below that it routes as plain weighted random');
  }
  const healthy: Duration = healthyAfter(healthCheck);
  checkDeployTimeout('deployTimeout', props.deployTimeout, healthy,
    healthy.isUnresolved() ? '' : `healthCheck.healthyThreshold x healthCheck.interval (${healthy.toSeconds()} seconds)`);
  resolveReleaseSettings({
    maxCapacity,
    bakeTime: props.releaseBakeTime,
    checkpoints: props.releaseCheckpoints,
    gateAlarms: new Array(GATE_ALARM_COUNT),
    userAlarms: props.releaseAlarms,
    instanceWarmup: props.webInstanceWarmup,
    healthyAfter: healthy,
  }, { instanceWarmup: 'webInstanceWarmup' });
  checkAlarmsEnvironment(tier, 'releaseAlarms', props.releaseAlarms, INSTANCE_REFRESH_ALARMS, false);

  resolveRedisSettings(tier, {
    engine: props.redisEngine,
    engineVersion: props.redisEngineVersion,
    nodeType: props.redisNodeType,
    replicas: props.redisReplicas,
    multiAz: props.redisMultiAz,
    snapshotRetentionDays: props.redisSnapshotRetentionDays,
  }, TIER_PART_NAMES.Cache as RedisSettingNames);

  checkCacheRemovalPolicy('redisRemovalPolicy', props.redisRemovalPolicy);
  checkInstanceType('bastionInstanceType', props.bastionInstanceType);
  checkTierImages(tier, props);
  checkSshPublicKey('sshPublicKey', props.sshPublicKey);
  checkList('sshAllowedCidrs', props.sshAllowedCidrs, '["203.0.113.7/32"]');
  (props.sshAllowedCidrs ?? []).forEach((cidr, index) => {
    if (!Token.isUnresolved(cidr)) {
      parseCidr(`sshAllowedCidrs[${index}]`, cidr);
    }
  });

  checkAlarmTopicWithMonitoring(props.monitoring, props.alarmTopic);
  checkAlarmTopicRegion(tier, 'alarmTopic', props.alarmTopic);
  if (props.zonalShift === false && props.webImpairedZoneHealthCheckBehavior !== undefined) {
    throw invalidProp('webImpairedZoneHealthCheckBehavior', props.webImpairedZoneHealthCheckBehavior,
      'applies only with zonalShift: true (AWS applies the impaired-zone behaviour during an active zonal shift only)');
  }
  if (props.zonalAutoshift !== undefined) {
    checkPropsObject('zonalAutoshift', props.zonalAutoshift);
    if (props.zonalShift === false) {
      throw invalidProp('zonalShift', false, 'must not be false with zonalAutoshift: ARC shifts only load balancers whose zonal shift integration is on');
    }
    if (props.monitoring === false) {
      throw invalidProp('monitoring', false, 'must not be false with zonalAutoshift: AWS requires an outcome alarm for practice runs, and the tier uses its 5XX and latency alarms');
    }
    checkZonalAutoshiftOptions(props.zonalAutoshift ?? {}, 'zonalAutoshift.');
    checkAlarmsEnvironment(tier, 'zonalAutoshift.blockingAlarms', props.zonalAutoshift?.blockingAlarms, PRACTICE_RUN_ALARMS, false);
  }
  if (props.monitoring === false) {
    warn(tier, 'monitoringOff', 'monitoring is false: no alarm tells you that the tier lost a web server, a NAT gateway or ' +
      'its Redis replica; the README promises those alarms');
  }
  if (props.accessLogs === false) {
    warn(tier, 'accessLogsOff', 'accessLogs is false: the load balancer keeps no record of the requests it served, so ' +
      'errors and abuse cannot be investigated later; the README promises access logs');
  }
}
