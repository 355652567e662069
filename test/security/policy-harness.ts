import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { pinnedImageContext } from '../util';

/** One finding of one rule pack, on one construct. */
export interface Finding {
  readonly pack: string;
  readonly rule: string;
  readonly description: string;
  readonly constructPath: string;
}

/** What the policy plugins reported for an app. */
export interface PolicyReport {
  readonly findings: Finding[];
  /** Packs that failed to run at all (an error instead of a verdict). */
  readonly errors: string[];
}

/** An app whose synthesis runs cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs and the Control Tower guard rules. */
export function appWithPolicyPlugins(): App {
  // Since aws-cdk-lib 2.263 an in-memory synth throws on a finding unless the app reports findings itself: the
  // report file is what the tests read (acknowledged guard findings included, which that plugin cannot skip).
  const app = new App({
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-policy-')),
    // The environment-aware stacks of the policy tests (111111111111, eu-west-3) find their images pinned.
    context: { '@aws-cdk/core:failSynthOnValidationErrors': false, ...pinnedImageContext('111111111111', 'eu-west-3') },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new CfnGuardValidator({ controlTowerRulesEnabled: true }));
  return app;
}

/** Synthesizes the app and reads the policy validation report (absent when every pack passed). */
export function synthWithPolicies(app: App): PolicyReport {
  // CDK prints the whole report to stderr and sets process.exitCode = 1 when a plugin reports a finding: the test
  // reads the report itself, and an acknowledged guard finding (that plugin ignores acknowledgements) must not fail
  // the jest run.
  const exitCode = process.exitCode;
  const printError = console.error;
  console.error = () => undefined;
  try {
    app.synth();
  } finally {
    console.error = printError;
    process.exitCode = exitCode;
  }
  const file = ['validation-report.json', 'policy-validation-report.json']
    .map(name => path.join(app.outdir, name))
    .find(candidate => fs.existsSync(candidate));
  if (!file) {
    return { findings: [], errors: [] };
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const findings: Finding[] = [];
  const errors: string[] = [];
  for (const plugin of report.pluginReports ?? []) {
    const pack = plugin.summary?.pluginName ?? plugin.pluginName ?? 'unknown';
    if (plugin.summary?.metadata?.error) {
      errors.push(`${pack}: ${plugin.summary.metadata.error}`);
    }
    for (const violation of plugin.violations ?? []) {
      for (const where of violation.violatingConstructs ?? violation.violatingResources ?? []) {
        findings.push({ pack, rule: violation.ruleName, description: violation.description ?? '', constructPath: where.constructPath });
      }
    }
  }
  return { findings, errors };
}

/** The Control Tower control id of a guard finding, `CT.S3.PR.2`, from its description. */
export function controlTowerId(finding: Finding): string | undefined {
  return /^\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(finding.description)?.[1];
}

/** Every acknowledgement recorded on a construct itself: rule id (prefix dropped) to reason. */
export function acknowledgementsOn(construct: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of construct.node.metadata) {
    if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.set(id.replace(/^annotation::/i, ''), reason);
      }
    }
  }
  return found;
}

/** The reason a rule is acknowledged for the construct at `constructPath` (on it or an ancestor), if it is. */
export function acknowledgementFor(app: App, constructPath: string, ruleId: string): string | undefined {
  let node: IConstruct | undefined = app.node.findAll().find(c => c.node.path === constructPath);
  while (node) {
    const reason = acknowledgementsOn(node).get(ruleId);
    if (reason) {
      return reason;
    }
    node = node.node.scope;
  }
  return undefined;
}

/** Every acknowledgement in a stack, with where it stands. */
export function allAcknowledgements(stack: Stack): Array<{ path: string; id: string; reason: string }> {
  return stack.node.findAll().flatMap(c => [...acknowledgementsOn(c)].map(([id, reason]) => ({ path: c.node.path, id, reason })));
}
