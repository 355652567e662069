import { capacityProbe, drainAndStop } from './drain';
import { ScenarioContext, ScenarioOutcome } from './scenario';
import { warmUp } from './warm-up';
import { RolloutMark } from '../report/analysis';

/** Scale-in: the Auto Scaling group removes c of a, b, c: deregistered, drained, then terminated. */
export async function runScaleIn(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const [a, b, c] = ['a', 'b', 'c'].map((n) => ctx.servers.get(n)!);
  const marks: RolloutMark[] = [];
  const capacity = capacityProbe(ctx);
  await warmUp(ctx);
  const drained = await drainAndStop(ctx, [c], marks);
  return {
    instances: [{ name: 'a', instanceId: a.instanceId, role: 'survivor' }, { name: 'b', instanceId: b.instanceId, role: 'survivor' },
      { name: 'c', instanceId: c.instanceId, role: 'removed' }],
    rollout: { marks, signals: [], minInRotation: capacity.stop(), ...drained },
  };
}
