/**
 * What a deploy and a scale-in share: the servers in rotation, sampled, and the old servers drained and stopped.
 */
import { sleep } from './drill-clock';
import { ScenarioContext } from './scenario';
import { SLOW_REQUEST_SECONDS } from '../application-versions';
import { inRotation, RolloutMark } from '../report/analysis';
import { WebInstance } from '../web-instance';

/** Samples how many servers are in rotation, every 50 ms; `stop()` returns the fewest seen. */
export function capacityProbe(ctx: ScenarioContext): { stop: () => number } {
  let min = Number.POSITIVE_INFINITY;
  const sample = () => {
    min = Math.min(min, Object.values(ctx.states()).filter(inRotation).length);
  };
  sample();
  const timer = setInterval(sample, 50);
  return { stop: () => { clearInterval(timer); sample(); return min; } };
}
/**
 * Removes servers as the target group does when their instances are deregistered (a deploy's old group deleted,
 * a scale-in): no new requests, the ones in flight finish within the deregistration delay; then each instance
 * shuts down (SIGTERM to the server). A slow request to the first one is in flight all along.
 */
export async function drainAndStop(ctx: ScenarioContext, removed: WebInstance[], marks: RolloutMark[]) {
  const delay = ctx.o.example.healthCheck.deregistrationDelaySeconds;
  const slow = ctx.slowRequest(removed[0].name);
  await sleep(500, ctx.o.signal);
  marks.push({ atMs: ctx.now(), kind: 'deregister', label: `${removed.map((s) => s.name).join(', ')} deregistered` });
  ctx.log(`target group: deregistering ${removed.map((s) => s.name).join(', ')} (deregistration delay ${delay} s; ` +
    `a ${SLOW_REQUEST_SECONDS} s request to ${removed[0].name} in flight)`);
  const inFlight = await Promise.all(removed.map((s) => ctx.alb.deregister(s.name)));
  marks.push({ atMs: ctx.now(), kind: 'drained', label: 'drained' });
  await Promise.all(removed.map((s) => s.stop()));
  marks.push({ atMs: ctx.now(), kind: 'stopped', label: `${removed.map((s) => s.name).join(', ')} stopped (SIGTERM)` });
  ctx.log(`${removed.map((s) => s.name).join(', ')}: drained (${inFlight.reduce((x, y) => x + y, 0)} left in flight) and stopped`);
  return { slowRequest: await slow, inFlightWhenStopped: inFlight.reduce((x, y) => x + y, 0), deregistrationDelaySeconds: delay };
}
