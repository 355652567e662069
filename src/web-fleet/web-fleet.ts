import { Aws, CfnElement, Duration, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { WebFleetProps } from './web-fleet-props';
import { checkDeployTimeout, resolveWebFleetSettings, WEB_FLEET_NAMES } from './web-fleet-settings';
import { S3Location, WEB_BOOT_FILES, webUserData } from './web-user-data';
import { applyZonalResilience, zonalCapacity } from './zonal-resilience';
import { acknowledge, acknowledgeWildcardResources } from '../acknowledgements';
import { WebApplication } from '../application/web-application';
import { stagedInstanceFiles } from '../instance-files';
import { hardenedLaunchTemplate, httpsOutSecurityGroup, instanceGroup, instancePolicy, instanceRole } from '../instance-launch';
import { SubnetGroup } from '../network/subnet-layout';
import { checkRequired, checkSecondsInRange, invalidProp, warn } from '../validation';

/** Throws unless the application's own port, when it names one, is the fleet's `webPort`. */
function checkApplicationPort(application: WebApplication, webPort: number): void {
  if (application.port !== undefined && !Token.isUnresolved(webPort) && application.port !== webPort) {
    throw invalidProp('webPort', webPort, `must equal the application's port (${application.port}) when both are given`);
  }
}

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

  /** The user-data that installs the web app; commands added to it run after the server has signalled ready. */
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

  constructor(scope: Construct, id: string, props: WebFleetProps) {
    super(scope, id);

    checkRequired('vpc', props?.vpc);
    this.application = props.application ?? WebApplication.helloCounter();
    const { webPort, ...requested } = resolveWebFleetSettings(
      { ...props, webPort: props.webPort ?? this.application.port }, WEB_FLEET_NAMES);
    const vpcSubnets = props.vpcSubnets ?? { subnetGroupName: SubnetGroup.WEB };
    const { minCapacity, maxCapacity, desiredCapacity } = zonalCapacity(this, { ...requested, desiredCapacity: props.desiredCapacity },
      new Set(props.vpc.selectSubnets(vpcSubnets).availabilityZones).size, props.staticStability ?? true, { minCapacity: 'minCapacity', staticStability: 'staticStability' });
    this.webPort = webPort;
    this.minCapacity = minCapacity;
    checkApplicationPort(this.application, this.webPort);
    const gracePeriod = props.healthCheckGracePeriod ?? Duration.minutes(5);
    checkSecondsInRange('healthCheckGracePeriod', gracePeriod, 0, 7200);
    const deployTimeout = props.deployTimeout ?? Duration.minutes(15);
    checkDeployTimeout('deployTimeout', deployTimeout, Duration.seconds(0), '');
    if (minCapacity < 2) {
      warn(this, 'webFleetBelowTwo',
        `minCapacity is ${minCapacity}: with fewer than 2 web servers the tier is no longer zero-downtime (losing one server, or replacing it, stops service)`);
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
      securityGroup: this.securityGroup,
      instanceProfile,
      userData: this.userData,
      keyPair: props.keyPair,
      associatePublicIpAddress: false,
    });

    this.autoScalingGroup = instanceGroup(this, {
      vpc: props.vpc,
      vpcSubnets,
      launchTemplate: this.launchTemplate,
      minCapacity,
      maxCapacity,
      // A deploy never lowers capacity: the replacing update below starts the new group at DesiredCapacity, and
      // the old one may have scaled out to anything up to maxCapacity. Starting the new group at maxCapacity (and
      // waiting for all of its signals) keeps at least as many servers serving as before, at every moment; target
      // tracking scales it back in afterwards (each server drained first). CloudFormation's instance refresh
      // (min 100 % / max 200 % of the current capacity) would carry the exact capacity, but needs aws-cdk-lib 2.263.0.
      desiredCapacity: desiredCapacity ?? (minCapacity < maxCapacity ? maxCapacity : undefined),
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod,
      }),
      // Deploys: a change to the launch template builds a whole new group beside the old one
      // (AutoScalingReplacingUpdate). The old group keeps serving at full size until every new server has
      // signalled that the load balancer reports it healthy; a new group that never gets there fails the update
      // and CloudFormation deletes it, leaving the old one untouched. Chosen over a rolling update, which with the
      // default min = max = 2 must take servers out of service (MinInstancesInService has to stay below MaxSize),
      // and over instance refresh, which CloudFormation does not start on a template change by itself.
      updatePolicy: autoscaling.UpdatePolicy.replacingUpdate(),
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
    applyZonalResilience(this.autoScalingGroup, props);
    if (props.targetGroup) {
      props.targetGroup.addTarget(this.autoScalingGroup);
    }

    const stack = Stack.of(this);
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
    this.userData.addCommands(...webUserData({
      region: Aws.REGION,
      bootFiles: bootLocation,
      application: appLocation,
      startCommand: this.application.startCommand,
      installCommands: this.application.installCommands,
      environment: this.application.environment,
      healthCheckPath: this.application.healthCheckPath,
      socketActivation: this.application.socketActivation,
      redisHost: props.redis?.endpointAddress ?? '',
      redisPort: props.redis?.port ?? 6379,
      redisTls: props.redis?.tls ?? false,
      redisAuthSecretArn: props.redis?.authToken.secretArn ?? '',
      webPort: this.webPort,
      logGroupName: this.logGroup?.logGroupName,
      stackName: Aws.STACK_NAME,
      logicalId: stack.getLogicalId(this.autoScalingGroup.node.defaultChild as CfnElement),
      targetGroupArn: props.targetGroup?.targetGroupArn,
      readyTimeoutSeconds: deployTimeout.toSeconds(),
    }));
    // CDK grants cloudformation:SignalResource on this stack to the role, inline, for the signals above.
    const signalPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (signalPolicy) {
      acknowledge(signalPolicy, 'NIST.800.53.R5-IAMNoInlinePolicy',
        'CDK writes the permission that resource signals need (cloudformation:SignalResource on this stack only) ' +
        'as the role\'s inline default policy; everything else the servers may do is in a customer managed policy.');
    }
    // Exactly the two objects (not Asset.grantRead's whole bucket, which holds every asset of the account).
    const statements: iam.PolicyStatement[] = [new iam.PolicyStatement({
      sid: 'ReadBootFilesAndApplication',
      actions: ['s3:GetObject'],
      resources: [bootLocation, appLocation].map(l => `arn:${Aws.PARTITION}:s3:::${l.bucketName}/${l.objectKey}`),
    })];
    if (props.redis) {
      statements.push(new iam.PolicyStatement({
        sid: 'ReadRedisAuthToken',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.redis.authToken.secretArn],
      }));
    }
    if (this.logGroup) {
      statements.push(new iam.PolicyStatement({
        sid: 'WriteApplicationLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [this.logGroup.logGroupArn],
      }));
    }
    if (props.targetGroup) {
      statements.push(new iam.PolicyStatement({
        sid: 'ReadOwnTargetHealth',
        actions: ['elasticloadbalancing:DescribeTargetHealth'],
        resources: ['*'],
      }));
    }
    this.policy = instancePolicy(this, role, 'Web tier web servers', statements);
    if (this.policy && props.targetGroup) {
      acknowledgeWildcardResources(this.policy, ['*'],
        'elasticloadbalancing:DescribeTargetHealth supports no resource-level permission (AWS accepts only "*"); ' +
        'it reads health states and nothing else. The instance asks it about its own target group before signalling ready.');
    }

    if (props.cpuTargetUtilizationPercent !== undefined) {
      this.cpuScalingPolicy = this.autoScalingGroup.scaleOnCpuUtilization('CpuScaling', {
        targetUtilizationPercent: props.cpuTargetUtilizationPercent,
      });
    }
  }
}
