import { sleep, until } from './drill-clock';
import { ScenarioContext, ScenarioOutcome } from './scenario';
import { checksOf, killAtQuietInstant } from './warm-up';
import { inRotation } from '../report/analysis';

/** Instance loss: server and socket of a die; after the replacement delay, the Auto Scaling group launches c. */
export async function runInstanceLoss(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const [a, b] = [ctx.servers.get('a')!, ctx.servers.get('b')!];
  const { killedPid, killMs, inFlightAtKill } = await killAtQuietInstant(ctx, () => a.loseInstance());
  ctx.log(`kill -9 ${killedPid} and its socket (a, ${a.instanceId}): the instance is gone, nothing restarts it`);
  await sleep(ctx.o.replacementDelaySeconds * 1000, ctx.o.signal);
  if (inRotation(ctx.alb.state('a'))) ctx.log(`a is still in rotation ${ctx.o.replacementDelaySeconds} s after the kill`);
  // The Auto Scaling group terminates the unhealthy instance (the target group deregisters it) and launches a new
  // one, which the target group gets as a new target: it receives traffic once it has passed HealthyThresholdCount
  // checks. It is registered once its web server answers, so that the time to join is the health checks' alone.
  await ctx.alb.deregister('a');
  const c = await ctx.boot('c');
  ctx.register('c');
  const replacementRegisteredMs = ctx.now();
  ctx.log(`ASG: a terminated and deregistered; replacement c (${c.instanceId}) launched, registered`);
  const hc = ctx.o.example.healthCheck;
  await until(() => ctx.firstOk(c.instanceId, killMs) !== undefined && inRotation(ctx.alb.state('c')),
    replacementRegisteredMs + (ctx.o.example.healthyAfterSeconds + hc.intervalSeconds + 10) * 1000, ctx.now, ctx.o.signal);
  return {
    killMs,
    killedPid,
    inFlightAtKill,
    killedHealthChecks: checksOf(ctx, 'a'),
    replacementRegisteredMs,
    instances: [{ name: 'a', instanceId: a.instanceId, role: 'killed' }, { name: 'b', instanceId: b.instanceId, role: 'survivor' },
      { name: 'c', instanceId: c.instanceId, role: 'replacement' }],
  };
}
