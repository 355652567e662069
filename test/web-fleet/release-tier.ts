import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, logicalId, newStack } from '../util';

// What the tests of the web fleet's releases (the instance refresh, the release gate, the launch hook) share.

/** A stack with one web tier; the group, its instance refresh preferences and the template. */
export function tierWith(props: ZeroDowntimeWebTierProps = {}, stack: Stack = newStack()) {
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', props);
  const template = Template.fromStack(stack);
  const group = template.toJSON().Resources[logicalId(tier.webAutoScalingGroup)];
  return { stack, tier, template, group, preferences: group.UpdatePolicy.AutoScalingInstanceRefresh.Preferences };
}

/** The logical ids an alarm list refers to. */
export function alarmRefs(preferences: any): string[] {
  return (preferences.AlarmSpecification?.Alarms ?? []).map((alarm: any) => alarm.Ref);
}

export function expectTierRefuses(props: ZeroDowntimeWebTierProps, expected: { prop: string; received: string; rule: RegExp }): void {
  expectInvalidProp(() => new ZeroDowntimeWebTier(newStack(), 'Tier', props), expected);
}

/** A throw-away folder holding one tiny application whose page says `version`. */
export function appFolder(version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-app-'));
  fs.writeFileSync(path.join(dir, 'server.js'), `require('http').createServer((q, s) => s.end('${version}')).listen(process.env.PORT);\n`);
  return dir;
}
