/**
 * The one reader of a synthesized tier that every stand-in takes its numbers from. `rehearse` and the drill read
 * a template or a cloud assembly (`cdk.out`) through it, never on their own, so that the stand-ins act on the
 * settings a user would deploy: the target group's health check and attributes, the instance refresh and its alarms,
 * the web group's AZ settings, the cache's nodes, the load balancer's zonal shift. Each reader it gathers cites the
 * CloudFormation pages of the properties it reads:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html
 * https://docs.aws.amazon.com/cdk/v2/guide/apps.html#apps-cloud-assembly
 */
import { AssemblyFleet, fleetsInCloudAssembly } from './cloud-assembly';
import { readReleasePolicy, ReleasePolicy } from './release-policy';
import { readTargetGroupHealthCheck, TargetGroupHealthCheck } from './target-group-health-check';
import { readRedisNodeAzs, readWebGroupZonalSettings, WebGroupZonalSettings, zonalShiftEnabledOnLoadBalancer } from './zonal-settings';

/** A synthesized template of the tier, read for the stand-ins. Each setting is read when first asked for. */
export class SynthesizedTier {
  /**
   * Every web fleet of the cloud assembly `dir` (`cdk.out`), nested stages included: the application, how it
   * starts, and its target group's and load balancer's settings. Throws with one line when `dir` holds none.
   */
  public static fleetsOf(dir: string): AssemblyFleet[] {
    return fleetsInCloudAssembly(dir);
  }

  constructor(public readonly template: unknown) {}

  /** The web group's `AutoScalingInstanceRefresh` and the alarms it watches (the instance refresh and CloudWatch stand-ins). */
  public get releasePolicy(): ReleasePolicy {
    return readReleasePolicy(this.template);
  }

  /** The target group's health check, AWS's defaults filled in (the target group stand-in). */
  public get healthCheck(): TargetGroupHealthCheck {
    return readTargetGroupHealthCheck(this.template);
  }

  /** The web group's AZ distribution and impairment policy (the Auto Scaling AZ placement stand-in). */
  public get webGroupZonalSettings(): WebGroupZonalSettings {
    return readWebGroupZonalSettings(this.template);
  }

  /** The AZs of the cache's primary and first replica, when the template places them (the ElastiCache failover stand-in). */
  public get redisNodeAzs(): { primary: string; replica: string } | undefined {
    return readRedisNodeAzs(this.template);
  }

  /** Whether the load balancer takes zonal shifts (the ARC zonal shift stand-in). */
  public get zonalShiftEnabled(): boolean {
    return zonalShiftEnabledOnLoadBalancer(this.template);
  }
}
