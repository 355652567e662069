import { plannedFailover, redisWithReplica } from '../../../src/stand-ins/elasticache/failover';
import { Cleanup, describeWith, redisCommand, startRedis } from '../../runtime/harness';

describeWith(['redis-server'])('plannedFailover (ElastiCache\'s planned failover, on two real redis-servers)', () => {
  test('every INCR acknowledged through the endpoint during the failover is on the promoted replica, none twice', async () => {
    // GIVEN: a primary with AUTH, its replica in sync, the endpoint in front of the primary
    const registry = new Cleanup();
    try {
      const primary = await startRedis({ registry, password: 'drill-test' });
      const { replica, endpoint } = await redisWithReplica(primary, registry);
      const viaEndpoint = { host: endpoint.host, port: endpoint.port, password: 'drill-test' };
      let acknowledged = 0;
      let stop = false;
      const writer = (async () => {
        for (let i = 0; i < 2_000 && !stop; i++) {
          const reply = await redisCommand(viaEndpoint, ['INCR', 'visits'], 3_000).catch(() => undefined);
          if (typeof reply === 'number') acknowledged++;
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 300));

      // WHEN
      const { heldMs } = await plannedFailover(primary, replica, endpoint);
      await primary.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop = true;
      await writer;

      // THEN
      expect(heldMs).toBeLessThan(2_000);
      expect(endpoint.upstreamPort).toBe(replica.port);
      expect(String(await redisCommand(replica, ['INFO', 'replication']))).toMatch(/role:master/);
      expect(acknowledged).toBeGreaterThan(10);
      expect(Number(await redisCommand(replica, ['GET', 'visits']))).toBe(acknowledged);
    } finally {
      await registry.run();
    }
  });
});
