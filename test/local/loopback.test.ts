import { sleep } from '../../src/local/loopback';

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
