import { Annotations, Aws, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { releaseChecksReporting } from './release-checks-alarm';
import { ReleaseGate } from './release-gate';
import { releaseUpdatePolicy } from './release-policy';
import { checkApplicationPort, healthyAfterOf } from './web-fleet-checks';
import { addLaunchLifecycleHook, LAUNCH_HOOK_NAME } from './web-fleet-launch-hook';
import { webFleetPolicy } from './web-fleet-policy';
import { WebFleetProps } from './web-fleet-props';
import { checkDeployTimeout, deployTimeoutProblem, resolveWebFleetSettings, WEB_FLEET_NAMES } from './web-fleet-settings';
import { addWebUserData, S3Location, WEB_BOOT_FILES } from './web-user-data';
import { applyZonalResilience, zonalCapacity } from './zonal-resilience';
import { acknowledge } from '../acknowledgements';
import { encodeReleaseChecks, ReleaseCheck, resolveReleaseChecks } from '../application/release-check';
import { applicationAsset, applicationMainPage, applicationReleaseChecks, WebApplication } from '../application/web-application';
import { fleetApplication } from '../application/web-application-fleet';
import { callerName } from '../caller-names';
import { WebTierFeatureFlags } from '../feature-flags';
import { stagedInstanceFiles } from '../instance-files';
import { hardenedLaunchTemplate, httpsOutSecurityGroup, instanceGroup, instanceRole } from '../instance-launch';
import { checkAlarmsEnvironment, INSTANCE_REFRESH_ALARMS } from '../monitoring/alarm-region-checks';
import { SubnetGroup } from '../network/subnet-layout';
import { recordFleetForRehearsal } from '../rehearse/fleet-record';
import { checkRequired, checkRetentionDays, checkSecondsInRange, validateAtSynthesis, warn } from '../validation';

/**
 * The web servers: an Auto Scaling group of Amazon Linux 2023 instances in private subnets,
 * from a launch template that requires IMDSv2, gives no public IP and encrypts the root volume.
 * Their user-data is a small fixed bootstrap: it downloads the application (an S3 asset, the hello counter by
 * default), writes its environment file and runs it under a hardened systemd unit, its output shipped to CloudWatch Logs.
 *
 * Nothing can reach them until you allow it (`connections.allowFrom`); they may reach HTTPS anywhere
 * (packages, SSM) and whatever else you allow.
 */
export class WebFleet extends Construct implements ec2.IConnectable {
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;

  /** The launch template the instances start from. */
  public readonly launchTemplate: ec2.LaunchTemplate;

  /** The user-data that installs the web app; commands added to it run after the server is ready (in service and healthy). */
  public readonly userData: ec2.UserData;

  /** The instances' security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The instances' IAM role. */
  public readonly role: iam.Role;

  /** The customer managed policy of the role: the boot files and the application, target health, the Redis AUTH token, the log group. */
  public readonly policy?: iam.ManagedPolicy;

  /** Network connections of the web servers. */
  public readonly connections: ec2.Connections;

  /** The port the web servers listen on. */
  public readonly webPort: number;

  /** The application the servers run. */
  public readonly application: WebApplication;

  /** The log group of the application's output, unless `applicationLogs` is false. */
  public readonly logGroup?: logs.LogGroup;

  /** The fewest web servers the group keeps. */
  public readonly minCapacity: number;

  /** The CPU target-tracking scaling policy, when `cpuTargetUtilizationPercent` is set. */
  public readonly cpuScalingPolicy?: autoscaling.TargetTrackingScalingPolicy;

  /** The alarms a release must keep quiet (what users see), when the fleet has a target group. */
  public readonly releaseGate?: ReleaseGate;

  /** The requests each new server answers before it serves (`releaseChecks`, else the application's). */
  public readonly releaseChecks: ReleaseCheck[];

  /**
   * In ALARM as soon as a new server reports failed release checks (a high-resolution metric, 10-second period): the
   * release stops and rolls back at once. Absent when there are no release checks.
   */
  public readonly releaseChecksAlarm?: cloudwatch.Alarm;

  /**
   * The launch lifecycle hook: a new server waits outside the target group until its boot says CONTINUE (its
   * application answers) or ABANDON (its boot failed: the group terminates it at once).
   */
  public readonly launchLifecycleHookName: string;

  constructor(scope: Construct, id: string, props: WebFleetProps) {
    super(scope, id);

    checkRequired('vpc', props?.vpc);
    // The props as the caller's API names them: the one-liner's web... names when it built this fleet.
    const name = (prop: string) => callerName(this, prop);
    this.application = props.application ?? WebApplication.helloCounter();
    const settingNames = Object.fromEntries(Object.entries(WEB_FLEET_NAMES).map(([k, v]) => [k, name(v)])) as typeof WEB_FLEET_NAMES;
    const { webPort, ...requested } = resolveWebFleetSettings(
      { ...props, webPort: props.webPort ?? this.application.port }, settingNames);
    const vpcSubnets = props.vpcSubnets ?? { subnetGroupName: SubnetGroup.WEB };
    const { minCapacity, maxCapacity, desiredCapacity } = zonalCapacity(this, { ...requested, desiredCapacity: props.desiredCapacity },
      new Set(props.vpc.selectSubnets(vpcSubnets).availabilityZones).size, props.staticStability ?? WebTierFeatureFlags.isEnabled(this, WebTierFeatureFlags.WEB_STATIC_STABILITY), { minCapacity: name('minCapacity'), staticStability: name('staticStability') });
    this.webPort = webPort;
    this.minCapacity = minCapacity;
    checkApplicationPort(this.application, this.webPort);
    const application = fleetApplication(this, this.application, props.targetGroup);
    checkRetentionDays('applicationLogRetention', props.applicationLogRetention);
    const gracePeriod = props.healthCheckGracePeriod ?? Duration.minutes(5);
    checkSecondsInRange('healthCheckGracePeriod', gracePeriod, 0, 7200);
    const deployTimeout = props.deployTimeout ?? Duration.minutes(15);
    checkDeployTimeout(name('deployTimeout'), deployTimeout, Duration.seconds(0), '');
    // The target group is exposed and its health check may be changed after the fleet is made: check the one in the template.
    validateAtSynthesis(this, () => [deployTimeoutProblem(name('deployTimeout'), deployTimeout, healthyAfterOf(props.targetGroup))]);
    if (minCapacity < 2) {
      warn(this, 'webFleetBelowTwo',
        `${name('minCapacity')} is ${minCapacity}: with fewer than 2 web servers the tier is no longer zero-downtime (losing one server, or replacing it, stops service)`);
    }

    this.securityGroup = httpsOutSecurityGroup(this, props.vpc,
      'Web tier web servers: in only from the ALB (and SSH from the bastion), out HTTPS and Redis',
      'packages, SSM, Secrets Manager');
    this.connections = this.securityGroup.connections;

    const { role, instanceProfile } = instanceRole(this, 'Web tier web servers');
    this.role = role;
    this.userData = ec2.UserData.forLinux();
    this.launchTemplate = hardenedLaunchTemplate(this, {
      instanceType: props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
      machineImage: props.machineImage,
      securityGroup: this.securityGroup,
      instanceProfile,
      userData: this.userData,
      keyPair: props.keyPair,
      associatePublicIpAddress: false,
    });

    checkAlarmsEnvironment(this, name('releaseAlarms'), props.releaseAlarms, INSTANCE_REFRESH_ALARMS);
    if (props.targetGroup) {
      this.releaseGate = new ReleaseGate(this, 'ReleaseGate', { targetGroup: props.targetGroup });
    }
    this.releaseChecks = props.releaseChecks === undefined ? applicationReleaseChecks(this, this.application)
      : resolveReleaseChecks(props.releaseChecks, 'releaseChecks');
    const checksReporting = this.releaseChecks.length > 0 ? releaseChecksReporting(this) : undefined;
    this.releaseChecksAlarm = checksReporting?.alarm;
    if (desiredCapacity !== undefined && minCapacity < maxCapacity) {
      warn(this, 'desiredCapacityResetOnDeploy', `${name('desiredCapacity')} is ${desiredCapacity} on a fleet that can scale from ${minCapacity} to ` +
        `${maxCapacity}: every deploy that changes it sets the group back to ${desiredCapacity}, whatever it had scaled to`);
    }
    this.autoScalingGroup = instanceGroup(this, {
      vpc: props.vpc,
      vpcSubnets,
      launchTemplate: this.launchTemplate,
      minCapacity,
      maxCapacity,
      // No DesiredCapacity unless the user names one: CloudFormation then leaves the group's current capacity
      // alone on a deploy (the group starts at minCapacity), so a fleet that has scaled out keeps its size.
      desiredCapacity,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod,
      }),
      // Releases: the same group, updated in place by an instance refresh with a canary, bake times and the
      // release gate, rolled back by CloudFormation when it fails (see release-policy.ts).
      updatePolicy: releaseUpdatePolicy(this, {
        maxCapacity,
        bakeTime: props.releaseBakeTime,
        checkpoints: props.releaseCheckpoints,
        gateAlarms: [...(this.releaseGate?.alarms ?? []), ...(checksReporting ? [checksReporting.alarm] : [])],
        userAlarms: props.releaseAlarms,
        instanceWarmup: props.instanceWarmup,
        healthyAfter: healthyAfterOf(props.targetGroup),
      }, { instanceWarmup: name('instanceWarmup') }),
      // The stack's creation waits for a SUCCESS signal from each first server (signal-ready.sh).
      signals: autoscaling.Signals.waitForAll({ timeout: deployTimeout }),
      // Health replacements (a server that fails its checks): launch the new one before terminating the old one.
      minHealthyPercentage: 100,
      maxHealthyPercentage: 200,
      // GroupInServiceInstances and friends, for the in-service alarm and the dashboard (free of charge).
      groupMetrics: [autoscaling.GroupMetrics.all()],
      owner: 'the web servers',
      scalingEventsReason: 'Scaling and replacement events are watched through CloudWatch alarms on healthy hosts and in-service instances ' +
        '(WebTierMonitoring) and kept in the group\'s activity history; per-event notifications are optional.',
    });
    // CloudFormation waits for the signals when it creates the group (CreationPolicy); during a release, readiness is
    // the launch lifecycle hook, the target group's health and the warmup, as CloudFormation documents for instance
    // refresh: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-instancerefresh-readiness
    Annotations.of(this.autoScalingGroup).acknowledgeWarning('@aws-cdk/aws-autoscaling:signalsNotUsedByInstanceRefresh',
      'The signals serve the creation of the group only; releases judge readiness by the launch lifecycle hook, health and warmup');
    this.launchLifecycleHookName = LAUNCH_HOOK_NAME;
    addLaunchLifecycleHook(this.autoScalingGroup, deployTimeout);
    applyZonalResilience(this.autoScalingGroup, props,
      { zonalShift: name('zonalShift'), impairedZoneHealthCheckBehavior: name('impairedZoneHealthCheckBehavior') });
    if (props.targetGroup) {
      props.targetGroup.addTarget(this.autoScalingGroup);
    }

    const logicalId = Stack.of(this).getLogicalId(this.autoScalingGroup.node.defaultChild as CfnElement);
    const bootFiles = new s3assets.Asset(this, 'BootFiles', { path: stagedInstanceFiles('web', WEB_BOOT_FILES) });
    const bootLocation: S3Location = { bucketName: bootFiles.s3BucketName, objectKey: bootFiles.s3ObjectKey };
    const appLocation = this.application.bind(this);
    if (props.applicationLogs ?? true) {
      this.logGroup = new logs.LogGroup(this, 'ApplicationLogs', { retention: props.applicationLogRetention ?? logs.RetentionDays.ONE_YEAR });
      const encryptionReason = 'CloudWatch Logs encrypts every log group at rest with keys it manages; a customer managed ' +
        'KMS key (and its monthly cost) for the application\'s output is left to the user.';
      acknowledge(this.logGroup, 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', encryptionReason);
      acknowledge(this.logGroup, 'CT.CLOUDWATCH.PR.3', encryptionReason);
    }
    if (props.redis) {
      this.connections.allowToDefaultPort(props.redis, 'Redis from the web servers');
    }
    addWebUserData(this.userData, {
      region: Aws.REGION,
      bootFiles: bootLocation,
      application: appLocation,
      startCommand: this.application.startCommand,
      installCommands: this.application.installCommands,
      environment: this.application.environment,
      secrets: application.secrets,
      healthCheckPath: application.healthCheckPath,
      socketActivation: this.application.socketActivation,
      redisHost: props.redis?.endpointAddress ?? '',
      redisPort: props.redis?.port ?? 6379,
      redisTls: props.redis?.tls ?? false,
      redisAuthSecretArn: props.redis?.authToken.secretArn ?? '',
      webPort: this.webPort,
      logGroupName: this.logGroup?.logGroupName,
      stackName: Aws.STACK_NAME,
      logicalId,
      targetGroupArn: props.targetGroup?.targetGroupArn,
      readyTimeoutSeconds: deployTimeout.toSeconds(),
      lifecycleHookName: LAUNCH_HOOK_NAME,
      releaseChecks: encodeReleaseChecks(this.releaseChecks),
      releaseCheckFleet: checksReporting?.fleet,
    });
    recordFleetForRehearsal(this, {
      asset: applicationAsset(this.application),
      mainPage: applicationMainPage(this.application),
      startCommand: this.application.startCommand,
      port: this.webPort,
      healthCheckPath: application.healthCheckPath,
      socketActivation: this.application.socketActivation,
      environment: this.application.environment,
      secretNames: Object.keys(application.secrets),
      installCommands: this.application.installCommands,
      readinessBudgetSeconds: deployTimeout.isUnresolved() ? NaN : deployTimeout.toSeconds(),
      autoScalingGroupLogicalId: logicalId,
    });
    this.policy = webFleetPolicy(this, role, {
      objects: [bootLocation, appLocation],
      redis: props.redis,
      application,
      logGroup: this.logGroup,
      logicalId,
      checksReporting,
      targetGroup: props.targetGroup,
      applicationName: name('application'),
    });

    if (props.cpuTargetUtilizationPercent !== undefined) {
      this.cpuScalingPolicy = this.autoScalingGroup.scaleOnCpuUtilization('CpuScaling', {
        targetUtilizationPercent: props.cpuTargetUtilizationPercent,
      });
    }
  }
}
