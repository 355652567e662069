// The projen project type in-process: what `projen new --from cdk-zero-downtime-web-tier-app` writes, without npm.
// (The end-to-end run of `projen new` on the packed packages is in the repository's test/e2e/.)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { ZeroDowntimeWebTierApp, ZeroDowntimeWebTierAppOptions } from '../src';
import { WEB_TIER_FEATURE_FLAGS } from '../src/web-tier-feature-flags';

const ROOT = path.join(__dirname, '..');
/** The web app the generated app starts with: its one copy, in the template. */
const TEMPLATE_WEBAPP = path.join(ROOT, 'templates', 'app', 'webapp');
/** The feature flags aws-cdk-lib recommends for new projects: what `cdk init` writes into cdk.json. */
const RECOMMENDED_FLAGS = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));
const OWN_PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const CDK_FLOOR = /\d+\.\d+\.\d+/.exec(OWN_PACKAGE.peerDependencies['aws-cdk-lib'])![0];

function synthApp(options: ZeroDowntimeWebTierAppOptions = {}): Record<string, any> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'my-web-tier-'));
  return Testing.synth(new ZeroDowntimeWebTierApp({ outdir, ...options }));
}

describe('ZeroDowntimeWebTierApp', () => {
  test('with no options, is named after its folder and depends on the construct library of its own version and on aws-cdk-lib at its floor', () => {
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

  test('writes a stack with the web tier running the app\'s own webapp/, a test of its template and a README', () => {
    // WHEN
    const files = synthApp({ name: 'my-web-tier' });

    // THEN
    expect(files['src/main.ts']).toContain("new ZeroDowntimeWebTier(this, 'WebTier', {");
    expect(files['src/main.ts']).toContain("application: WebApplication.fromDirectory(path.join(__dirname, '..', 'webapp'), {");
    expect(files['src/main.ts']).toContain("healthCheckPath: '/healthz'");
    expect(files['src/main.ts']).toContain("from 'cdk-zero-downtime-web-tier'");
    expect(files['src/main.ts']).not.toContain('WEB-APP');
    expect(files['test/main.test.ts']).toContain('Template.fromStack(stack)');
    expect(files['test/main.test.ts']).toContain("resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2)");
    expect(files['test/main.test.ts']).toContain('FileSystem.fingerprint(WEBAPP)');
    expect(files['test/main.test.ts']).toContain("{ HealthCheckPath: '/healthz' }");
    expect(files['README.md']).toMatch(/^# my-web-tier\n/);
    for (const step of ['npx cdk synth', 'npx cdk deploy', 'curl', 'systemctl stop webtier', 'npx cdk destroy', 'webapp/server.js', 'REDIS_AUTH_TOKEN']) {
      expect(files['README.md']).toContain(step);
    }
  });

  test('writes the web app of webapp/ as the template has it: a Node.js server with its own Redis client and no npm dependency', () => {
    // WHEN
    const files = synthApp();

    // THEN every file of the template's web app, and nothing else
    const webapp = Object.keys(files).filter(file => file.startsWith('webapp/')).sort();
    expect(webapp).toEqual(['webapp/package.json', 'webapp/redis-client.js', 'webapp/server.js']);
    for (const file of ['redis-client.js', 'server.js']) {
      expect(files[`webapp/${file}`]).toBe(fs.readFileSync(path.join(TEMPLATE_WEBAPP, file), 'utf8'));
    }
    expect(files['webapp/server.js']).toContain("require('./redis-client')");
    expect(files['webapp/server.js']).toContain("path === '/healthz'");
    expect(files['webapp/package.json']).toMatchObject({ private: true, main: 'server.js' });
    expect(files['webapp/package.json']).not.toHaveProperty('dependencies');
  });

  test.each([
    ['npm pack', '/tmp/packs/cdk-zero-downtime-web-tier-app-1.2.0.tgz'],
    ['jsii-pacmak', '/tmp/packs/cdk-zero-downtime-web-tier-app@1.2.0.jsii.tgz'],
    ['jsii-pacmak, relative', 'dist/js/cdk-zero-downtime-web-tier-app@1.2.0.jsii.tgz'],
  ])('with the tarball `projen new --from` puts in devDeps (%s name), depends on it as a file', (_tool, tarball) => {
    // WHEN
    const files = synthApp({ devDeps: [tarball, 'cdk-nag@^3.0.2'] });

    // THEN the spec names the package and its path: projen would read the `@` of the file name as a version
    expect(files['package.json'].devDependencies['cdk-zero-downtime-web-tier-app']).toBe(`file:${tarball}`);
    const validName = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
    expect(Object.keys(files['package.json'].devDependencies).filter(name => !validName.test(name))).toEqual([]);
    expect(files['package.json'].devDependencies['cdk-nag']).toBe('^3.0.2');
  });

  test('with the package name `projen new --from` puts in devDeps, keeps it', () => {
    // WHEN
    const files = synthApp({ devDeps: ['cdk-zero-downtime-web-tier-app@^1.2.0'] });

    // THEN
    expect(files['package.json'].devDependencies['cdk-zero-downtime-web-tier-app']).toBe('^1.2.0');
  });

  test('writes the feature flags `cdk init` writes into cdk.json, and the web tier\'s recommended flags', () => {
    // WHEN
    const files = synthApp();

    // THEN
    expect(Object.keys(RECOMMENDED_FLAGS).length).toBeGreaterThan(50);
    expect(files['cdk.json'].context).toEqual({ ...RECOMMENDED_FLAGS, ...WEB_TIER_FEATURE_FLAGS });
    expect(files['cdk.json'].context).toMatchObject({ 'cdk-zero-downtime-web-tier:cacheEngineValkey': true });
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
    fs.mkdirSync(path.join(outdir, 'webapp'));
    fs.writeFileSync(path.join(outdir, 'webapp', 'app.py'), '# mine\n');

    // WHEN
    const files = Testing.synth(new ZeroDowntimeWebTierApp({ outdir }));

    // THEN
    expect(files['src/main.ts']).toBe('// mine\n');
    expect(Object.keys(files).filter(file => file.startsWith('webapp/'))).toEqual(['webapp/app.py']);
  });
});
