import { capacityProbe, drainAndStop } from './drain';
import { ScenarioContext, ScenarioOutcome } from './scenario';
import { warmUp } from './warm-up';
import { Readiness } from '../../src/stand-ins/auto-scaling/launch-readiness';
import { RolloutMark } from '../report/analysis';

/**
 * Deploy: the replacing update builds new servers c and d from the shipped files beside a and b; each is registered
 * at launch, and the real signal-ready.sh signals once the target group reports it healthy. Once both have
 * signalled, CloudFormation deletes the old group: a and b are deregistered, drained and stopped.
 */
export async function runDeploy(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const [a, b] = [ctx.servers.get('a')!, ctx.servers.get('b')!];
  const marks: RolloutMark[] = [];
  const capacity = capacityProbe(ctx);
  const readiness = new Readiness({ targetState: (name) => ctx.alb.state(name), registry: ctx.registry });
  await warmUp(ctx);
  marks.push({ atMs: ctx.now(), kind: 'launch', label: 'c, d launched' });
  const fresh = await Promise.all(['c', 'd'].map(async (name) => {
    const s = await ctx.boot(name);
    readiness.register(s.instanceId, name);
    ctx.register(name);
    return s;
  }));
  ctx.log('ASG (new group): c and d launched and registered; signal-ready.sh waits for the target group to report them healthy');
  const timeout = ctx.o.example.healthyAfterSeconds + 2 * ctx.o.example.healthCheck.intervalSeconds + 10;
  const signals = await Promise.all(fresh.map(async (s) => {
    const r = await readiness.signalReady(s.instanceId, s.port, timeout);
    ctx.log(`signal-ready.sh for ${s.name}: ${r.status} (exit ${r.exitCode})`);
    return { instance: s.name, status: r.status, atMs: ctx.now() };
  }));
  marks.push({ atMs: ctx.now(), kind: 'ready', label: `c, d signalled ${[...new Set(signals.map((x) => x.status))].join('/')}` });
  if (signals.some((x) => x.status !== 'SUCCESS')) throw new Error(`deploy: a new server did not signal SUCCESS: ${JSON.stringify(signals)}`);
  const drained = await drainAndStop(ctx, [a, b], marks);
  return {
    instances: [{ name: 'a', instanceId: a.instanceId, role: 'old' }, { name: 'b', instanceId: b.instanceId, role: 'old' },
      ...fresh.map((s) => ({ name: s.name, instanceId: s.instanceId, role: 'new' as const }))],
    rollout: { marks, signals, minInRotation: capacity.stop(), ...drained },
  };
}
