import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aws, CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ZeroDowntimeWebTier } from '../../src';
import { pinnedImageContext } from '../util';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-3';

/**
 * The violations aws-cdk-lib's built-in CloudFormation validation reported for an environment-aware app, as
 * "RULE: description". Its context holds what `cdk synth` would have looked up (zones, the pinned AMI), as a user's
 * `cdk.context.json` does after the first synth: no dummy look-up value reaches the template.
 */
function cloudFormationValidate(build: (stack: Stack) => void): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdwt-cfn-validate-'));
  try {
    const app = new App({
      outdir,
      context: {
        ...pinnedImageContext(ACCOUNT, REGION),
        [`availability-zones:account=${ACCOUNT}:region=${REGION}`]: ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'],
      },
    });
    build(new Stack(app, 'Stack', { env: { account: ACCOUNT, region: REGION } }));
    app.synth();
    const file = path.join(outdir, 'validation-report.json');
    expect(fs.existsSync(file)).toBe(true);
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      pluginReports: Array<{ pluginName?: string; summary?: { pluginName?: string }; violations: Array<{ ruleName: string; description: string }> }>;
    };
    const mine = report.pluginReports.filter((r) => (r.pluginName ?? r.summary?.pluginName) === 'CloudFormation Validate');
    expect(mine).toHaveLength(1);
    return mine[0].violations.map((v) => `${v.ruleName}: ${v.description}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('aws-cdk-lib\'s built-in CloudFormation validation (on for users, off in the other test files)', () => {
  const before = process.env.CDK_VALIDATION;
  beforeAll(() => { delete process.env.CDK_VALIDATION; });
  afterAll(() => { process.env.CDK_VALIDATION = before; });

  test('reports nothing on the one-liner\'s template (its named zones acknowledged, W3010)', () => {
    expect(cloudFormationValidate((stack) => new ZeroDowntimeWebTier(stack, 'WebTier'))).toEqual([]);
  });

  test('reports nothing on the one-liner with zonal autoshift and two blocking alarms (composite outcome and blocking alarms)', () => {
    expect(cloudFormationValidate((stack) => new ZeroDowntimeWebTier(stack, 'WebTier', {
      zonalAutoshift: {
        blockingAlarms: ['deploying', 'load-test'].map(name => cloudwatch.Alarm.fromAlarmArn(stack, name, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`)),
        blockedWindows: ['Mon:09:00-Mon:10:30'],
      },
    }))).toEqual([]);
  });

  test('reports nothing on the one-liner in an environment-agnostic stack', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdwt-cfn-validate-'));
    const app = new App({ outdir });
    new ZeroDowntimeWebTier(new Stack(app, 'Agnostic'), 'WebTier');
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    fs.rmSync(outdir, { recursive: true, force: true });
    expect(report.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations)).toEqual([]);
  });

  test('is on here: two equal conditions are reported (the check can fail)', () => {
    const violations = cloudFormationValidate((stack) => {
      new CfnCondition(stack, 'A', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
      new CfnCondition(stack, 'B', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    });
    expect(violations).toContainEqual(expect.stringMatching(/^W9053: Condition 'B' is equivalent to condition 'A'/));
  });

  test('is on here: a subnet that names its zone without the tier\'s acknowledgement is reported (W3010)', () => {
    const violations = cloudFormationValidate((stack) => {
      new ec2.CfnSubnet(stack, 'Subnet', { vpcId: 'vpc-12345678', cidrBlock: '10.0.0.0/24', availabilityZone: 'eu-west-3a' });
    });
    expect(violations).toContainEqual(expect.stringMatching(/^W3010: AvailabilityZone: Avoid hardcoding availability zones 'eu-west-3a'/));
  });
});
