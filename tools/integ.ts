// The integration test's tooling (test/integ.web-tier.ts, in the aws-cdk convention):
//   ts-node tools/integ.ts snapshot  - synthesize it and record its templates in test/integ.web-tier.ts.snapshot/
//                                      (`npx projen integ:snapshot`; no AWS account needed)
//   ts-node tools/integ.ts deploy    - deploy it with the CDK CLI, check every assertion's result, destroy it
//                                      (`npx projen integ:deploy`; needs AWS credentials and a bootstrapped account)
// test/integ-snapshot.test.ts compares a fresh synthesis with the snapshot on every build, offline.
//
// integ-runner would do both, but its latest release (2.197.10) cannot read the cloud assembly aws-cdk-lib 2.258.0
// writes (schema 54; it stops with AssemblyVersionMismatch). The snapshot keeps integ-runner's folder name, so a
// release that reads schema 54 can take over: `integ-runner --update-on-failed` rewrites the folder in its format.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..');
export const INTEG_APP = 'test/integ.web-tier.ts';
export const SNAPSHOT_DIR = path.join(ROOT, `${INTEG_APP}.snapshot`);
/** The files of a cloud assembly that make the snapshot: the templates and the test's manifest. */
const SNAPSHOT_FILE = /\.template\.json$|^integ\.json$/;
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const APP_COMMAND = `npx ts-node --project tsconfig.dev.json ${INTEG_APP}`;

/** Synthesizes the integration test app into `outdir` (a cloud assembly). */
export function synthIntegApp(outdir: string): void {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register', INTEG_APP], {
    cwd: ROOT,
    env: { ...process.env, CDK_OUTDIR: outdir, TS_NODE_PROJECT: 'tsconfig.dev.json', TS_NODE_TRANSPILE_ONLY: 'true' },
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`synthesizing ${INTEG_APP} failed (${result.error ?? `exit ${result.status}`}):\n${result.stderr}`);
  }
}

/**
 * The snapshot files of a cloud assembly, by name, with every asset hash replaced by `HASH` (like integ-runner
 * without `diffAssets`, a change to an asset's content alone, a Lambda handler's bundle, is not a change of the
 * test) and the assertions' `salt` (the synthesis time, which makes them run at every deployment) by `SALT`.
 */
export function snapshotFiles(assemblyDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(assemblyDir).filter(file => SNAPSHOT_FILE.test(file)).sort()) {
    files[name] = fs.readFileSync(path.join(assemblyDir, name), 'utf8').replace(/\b[0-9a-f]{64}\b/g, 'HASH')
      .replace(/"salt": "\d+"/g, '"salt": "SALT"');
  }
  return files;
}

function writeSnapshot(): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-synth-'));
  try {
    synthIntegApp(outdir);
    fs.rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
    fs.mkdirSync(SNAPSHOT_DIR);
    for (const [name, content] of Object.entries(snapshotFiles(outdir))) {
      fs.writeFileSync(path.join(SNAPSHOT_DIR, name), content);
    }
    console.log(`wrote ${path.relative(ROOT, SNAPSHOT_DIR)}/: ${Object.keys(snapshotFiles(SNAPSHOT_DIR)).join(', ')}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function cdk(args: string[]): number {
  const result = spawnSync(CDK, [...args, '--app', APP_COMMAND], { cwd: ROOT, stdio: 'inherit' });
  return result.status ?? 1;
}

/** Deploys, reads every assertion's result from the outputs, destroys (also when the deployment failed). */
function deployVerifyDestroy(): number {
  const outputsFile = path.join(ROOT, '.tmp', 'integ-outputs.json');
  fs.mkdirSync(path.dirname(outputsFile), { recursive: true });
  fs.rmSync(outputsFile, { force: true });
  try {
    if (cdk(['deploy', '--all', '--require-approval', 'never', '--outputs-file', outputsFile]) !== 0) {
      console.error('integ: the deployment failed (a waiter assertion that timed out fails it too)');
      return 1;
    }
    const outputs: Record<string, Record<string, string>> = JSON.parse(fs.readFileSync(outputsFile, 'utf8'));
    const results = Object.values(outputs).flatMap(stack => Object.entries(stack))
      .filter(([key]) => key.startsWith('AssertionResults'));
    const failed = results.filter(([, value]) => JSON.parse(value).status !== 'success');
    for (const [key, value] of results) {
      console.log(`integ: ${key}: ${value}`);
    }
    if (results.length === 0 || failed.length > 0) {
      console.error(`integ: ${failed.length} of ${results.length} assertions failed`);
      return 1;
    }
    console.log(`integ: all ${results.length} assertions passed`);
    return 0;
  } finally {
    cdk(['destroy', '--all', '--force']);
  }
}

if (require.main === module) {
  const command = process.argv[2];
  if (command === 'snapshot') {
    writeSnapshot();
  } else if (command === 'deploy') {
    process.exitCode = deployVerifyDestroy();
  } else {
    throw new Error(`usage: ts-node tools/integ.ts snapshot|deploy (received "${command}")`);
  }
}
