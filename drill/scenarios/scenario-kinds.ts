/**
 * The steps each scenario kind runs once the load runs, one file per kind beside this one: crash.ts, instance-loss.ts,
 * deploy.ts, scale-in.ts, redis-failover.ts, release.ts (the six releases); az-loss.ts runs on its own.
 */
import { runCrash } from './crash';
import { runDeploy } from './deploy';
import { runInstanceLoss } from './instance-loss';
import { runRedisFailover } from './redis-failover';
import { runRelease } from './release';
import { runScaleIn } from './scale-in';
import { ScenarioContext, ScenarioOutcome } from './scenario';
import { ScenarioKind } from '../report/analysis';

export const SCENARIO_STEPS: Record<ScenarioKind, (ctx: ScenarioContext) => Promise<ScenarioOutcome>> = {
  'crash': runCrash,
  'instance-loss': runInstanceLoss,
  'deploy': runDeploy,
  'scale-in': runScaleIn,
  'redis-failover': runRedisFailover,
  'release': (ctx) => runRelease(ctx, 'release'),
  'bad-release': (ctx) => runRelease(ctx, 'bad-release'),
  'slow-release': (ctx) => runRelease(ctx, 'slow-release'),
  'never-healthy': (ctx) => runRelease(ctx, 'never-healthy'),
  'scaled-out': (ctx) => runRelease(ctx, 'scaled-out'),
  'broken-release': (ctx) => runRelease(ctx, 'broken-release'),
};
