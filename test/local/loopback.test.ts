import * as net from 'net';
import { freePort, sleep, unusedPort } from '../../src/local/loopback';

describe('sleep', () => {
  test('resolves after its time, and at once for a negative one', async () => {
    const t0 = Date.now();
    await sleep(50);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    await expect(sleep(-5)).resolves.toBeUndefined();
  });

  test('rejects at once when its signal aborts, naming the reason, and before it starts when already aborted', async () => {
    const controller = new AbortController();
    const t0 = Date.now();
    const slept = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort('scenario over'), 20);
    await expect(slept).rejects.toThrow('aborted: scenario over');
    expect(Date.now() - t0).toBeLessThan(5_000);
    await expect(sleep(10, controller.signal)).rejects.toThrow('aborted: scenario over');
  });
});

describe('freePort', () => {
  test('gives ports nothing listens on, never the same one twice in a process', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 40; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(ports[39], '127.0.0.1', resolve));
    expect((server.address() as net.AddressInfo).port).toBe(ports[39]);
    await new Promise((resolve) => server.close(resolve));
  });

  test('skips a port the kernel offers again after it was handed out (a restarting server will bind it)', async () => {
    const offers = [4100, 4100, 4100, 4101];
    const used = new Set<number>();
    expect(await unusedPort(async () => offers.shift()!, used)).toBe(4100);
    expect(await unusedPort(async () => offers.shift()!, used)).toBe(4101);
    await expect(unusedPort(async () => 4100, used)).rejects.toThrow('after 50 tries');
  });
});
