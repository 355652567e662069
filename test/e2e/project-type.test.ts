// The projen project type in-process: what `projen new --from cdk-zero-downtime-web-tier` writes, without npm.
// (The end-to-end run of `projen new` on the packed library is in published-package.test.ts.)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { ZeroDowntimeWebTierApp, ZeroDowntimeWebTierAppOptions } from '../../src/project';

const ROOT = path.join(__dirname, '..', '..');
const OWN_PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const CDK_FLOOR = /\d+\.\d+\.\d+/.exec(OWN_PACKAGE.peerDependencies['aws-cdk-lib'])![0];

function synthApp(options: ZeroDowntimeWebTierAppOptions = {}): Record<string, any> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'my-web-tier-'));
  return Testing.synth(new ZeroDowntimeWebTierApp({ outdir, ...options }));
}

describe('ZeroDowntimeWebTierApp', () => {
  test('with no options, is named after its folder and depends on this library and on aws-cdk-lib at its floor', () => {
    // WHEN
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'my-web-tier-'));
    const files = Testing.synth(new ZeroDowntimeWebTierApp({ outdir }));

    // THEN
    expect(files['package.json'].name).toBe(path.basename(outdir));
    expect(files['package.json'].dependencies).toEqual({
      'aws-cdk-lib': `^${CDK_FLOOR}`,
      'cdk-zero-downtime-web-tier': `^${OWN_PACKAGE.version}`,
      'constructs': expect.any(String),
    });
    expect(files['package.json'].devDependencies).not.toHaveProperty('cdk-zero-downtime-web-tier');
    expect(files['package.json'].devDependencies).toHaveProperty('aws-cdk');
    expect(files['cdk.json'].app).toContain('src/main.ts');
  });

  test('writes a stack with the one-line web tier, a test of its template and a README', () => {
    // WHEN
    const files = synthApp({ name: 'my-web-tier' });

    // THEN
    expect(files['src/main.ts']).toContain("new ZeroDowntimeWebTier(this, 'WebTier');");
    expect(files['src/main.ts']).toContain("from 'cdk-zero-downtime-web-tier'");
    expect(files['test/main.test.ts']).toContain('Template.fromStack(stack)');
    expect(files['test/main.test.ts']).toContain("resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2)");
    expect(files['README.md']).toMatch(/^# my-web-tier\n/);
    for (const step of ['npx cdk synth', 'npx cdk deploy', 'curl', 'systemctl stop webtier', 'npx cdk destroy']) {
      expect(files['README.md']).toContain(step);
    }
  });

  test('with the spec `projen new --from` puts in devDeps, depends on that version at run time', () => {
    // WHEN
    const files = synthApp({ devDeps: ['cdk-zero-downtime-web-tier@~1.2.0', 'cdk-nag@^3.0.2'] });

    // THEN
    expect(files['package.json'].dependencies['cdk-zero-downtime-web-tier']).toBe('~1.2.0');
    expect(files['package.json'].devDependencies).not.toHaveProperty('cdk-zero-downtime-web-tier');
    expect(files['package.json'].devDependencies['cdk-nag']).toBe('^3.0.2');
  });

  test('with a tarball in devDeps, depends on it as a file', () => {
    // WHEN
    const files = synthApp({ devDeps: ['/tmp/packs/cdk-zero-downtime-web-tier-1.2.0.tgz'] });

    // THEN
    expect(files['package.json'].dependencies['cdk-zero-downtime-web-tier'])
      .toBe('file:/tmp/packs/cdk-zero-downtime-web-tier-1.2.0.tgz');
  });

  test('with libraryVersion and cdkVersion, uses them', () => {
    // WHEN
    const files = synthApp({ libraryVersion: '^2.0.0', cdkVersion: '2.300.0' });

    // THEN
    expect(files['package.json'].dependencies['cdk-zero-downtime-web-tier']).toBe('^2.0.0');
    expect(files['package.json'].dependencies['aws-cdk-lib']).toBe('^2.300.0');
  });

  test('keeps the sample files it finds: they belong to the app once written', () => {
    // GIVEN
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'my-web-tier-'));
    fs.mkdirSync(path.join(outdir, 'src'));
    fs.writeFileSync(path.join(outdir, 'src', 'main.ts'), '// mine\n');

    // WHEN
    const files = Testing.synth(new ZeroDowntimeWebTierApp({ outdir }));

    // THEN
    expect(files['src/main.ts']).toBe('// mine\n');
  });
});
