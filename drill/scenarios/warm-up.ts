/**
 * The drill's steps before a scenario acts: the warm-up, and for the scenarios that kill, the instant they kill at.
 */
import { sleep } from './drill-clock';
import { ScenarioContext } from './scenario';
import { isKill } from '../report/analysis';

/**
 * Waits out the warm-up; before a kill, also a random phase of the health-check schedule (which knows nothing of the
 * kill), so that detection times sample the whole range.
 */
export async function warmUp(ctx: ScenarioContext): Promise<void> {
  const phase = isKill(ctx.o.kind) ? Math.random() * ctx.o.example.healthCheck.intervalSeconds : 0;
  await sleep((ctx.o.warmupSeconds + phase) * 1000, ctx.o.signal);
}
/**
 * After the warm-up, waits for an instant without a request in flight (at most 400 ms) and kills then, so that no
 * request dies between Redis INCR and its answer: then the counter must equal the number of 200s exactly. At 20
 * requests/s of ~5 ms each this takes a few ms.
 */
export async function killAtQuietInstant(ctx: ScenarioContext, kill: () => number) {
  await warmUp(ctx);
  for (let i = 0; i < 200 && ctx.load.inFlight > 0; i++) await sleep(2, ctx.o.signal);
  const inFlightAtKill = ctx.load.inFlight;
  const killedPid = kill();
  return { killedPid, killMs: ctx.now(), inFlightAtKill };
}
/** When the target group's health checks of `name` passed (drill clock, ms): the checks the server answered. */
export function checksOf(ctx: ScenarioContext, name: string): number[] {
  return ctx.alb.healthChecks.filter((c) => c.target === name && c.passed).map((c) => c.at);
}
