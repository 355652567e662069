import { until } from './drill-clock';
import { ScenarioContext, ScenarioOutcome } from './scenario';
import { checksOf, killAtQuietInstant } from './warm-up';
import { inRotation } from '../report/analysis';

/** Process crash: kill -9 of a's server; the holder keeps its socket and restarts it after RestartSec. */
export async function runCrash(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const [a, b] = [ctx.servers.get('a')!, ctx.servers.get('b')!];
  const { killedPid, killMs, inFlightAtKill } = await killAtQuietInstant(ctx, () => a.kill9());
  ctx.log(`kill -9 ${killedPid} (a, ${a.instanceId}): the socket stays open, its unit restarts the server after ` +
    `${ctx.o.restartSeconds} s (Restart=always, RestartSec=${ctx.o.restartSeconds})`);
  // Watch for a full failover window (plus a second) whether the balancer takes a out; if it did, until a is back.
  const observeUntil = killMs + (ctx.o.example.failoverWindowSeconds + 1) * 1000;
  await until(() => ctx.firstOk(a.instanceId, killMs) !== undefined && ctx.now() >= observeUntil && inRotation(ctx.alb.state('a')),
    ctx.budgetMs, ctx.now, ctx.o.signal);
  return {
    killMs,
    killedPid,
    inFlightAtKill,
    killedHealthChecks: checksOf(ctx, 'a'),
    instances: [{ name: 'a', instanceId: a.instanceId, role: 'killed' }, { name: 'b', instanceId: b.instanceId, role: 'survivor' }],
  };
}
