import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import { WebApplication, ZeroDowntimeWebTier } from '../../src';
import { REHEARSAL_METADATA } from '../../src/rehearse/fleet-record';
import { fleetsInCloudAssembly } from '../../src/stand-ins/synthesized-tier/cloud-assembly';

/** Synthesizes the one-liner with `application` into a new cloud assembly; returns its folder. */
function synth(application?: WebApplication, props: Record<string, unknown> = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-record-'));
  const app = new App({ outdir });
  new ZeroDowntimeWebTier(new Stack(app, 'Shop'), 'Web', { application, ...props });
  app.synth();
  return outdir;
}

describe('the record a web fleet leaves for rehearse', () => {
  test('the hello counter: its staged folder, start command, port, health page, own page and socket activation', () => {
    const [fleet] = fleetsInCloudAssembly(synth());
    expect(fleet.application).toMatchObject({
      name: 'Shop/Web/WebFleet',
      startCommand: expect.stringContaining('webtier_server.py'),
      port: 8000,
      healthCheckPath: '/cgi-bin/ping.py',
      pages: ['/cgi-bin/hello.py'],
      socketActivation: true,
    });
    expect(fs.existsSync(path.join(fleet.application.directory, 'webtier_server.py'))).toBe(true);
  });

  test('an app of the user\'s: the settings of the template (health check, deregistration delay, idle timeout, deploy timeout)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-app-'));
    fs.writeFileSync(path.join(dir, 'server.js'), '');
    const [fleet] = fleetsInCloudAssembly(synth(WebApplication.fromDirectory(dir, {
      startCommand: 'exec node server.js', healthCheckPath: '/healthz', environment: { MODE: 'shop', REGION: Fn.ref('AWS::Region') },
    }), { healthCheck: { interval: Duration.seconds(10), timeout: Duration.seconds(5) } }));
    expect(fleet.application).toMatchObject({ startCommand: 'exec node server.js', healthCheckPath: '/healthz', pages: ['/'] });
    // A value known only at deploy time gets a placeholder, a plain one arrives as given
    expect(fleet.application.environment).toEqual({ MODE: 'shop', REGION: 'rehearsal-placeholder-for-REGION' });
    expect(fleet.settings).toMatchObject({
      healthCheckIntervalSeconds: 10,
      healthCheckTimeoutSeconds: 5,
      idleTimeoutSeconds: 60,
      deregistrationDelaySeconds: 30,
      readinessBudgetSeconds: 900,
    });
  });

  test('is construct metadata only: the template carries none of it', () => {
    const outdir = synth();
    expect(fs.readFileSync(path.join(outdir, 'Shop.template.json'), 'utf8')).not.toContain(REHEARSAL_METADATA);
    expect(fs.readFileSync(path.join(outdir, 'Shop.metadata.json'), 'utf8')).toContain(REHEARSAL_METADATA);
  });
});
