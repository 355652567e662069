import { IConstruct } from 'constructs';
import { CacheEngine, CacheEngineVersion, checkEngine, defaultEngine, checkNodeType, resolveEngineVersion } from './cache-engine';
import type { RedisCacheProps } from './redis-cache';
import { checkIntegerInRange, invalidProp } from '../validation';

/** The Redis settings, as a part or the one-liner takes them. */
export type RedisSettings = Pick<RedisCacheProps, 'engine' | 'nodeType' | 'port' | 'engineVersion' | 'replicas' | 'multiAz' | 'snapshotRetentionDays'>;

/** The settings with every default filled in. */
export interface ResolvedRedisSettings {
  readonly engine: CacheEngineVersion;
  /** The node family tiers data to SSD (r6gd): `DataTieringEnabled` must be true. */
  readonly dataTiering: boolean;
  readonly nodeType: string;
  readonly port: number;
  readonly engineVersion: string;
  readonly replicas: number;
  readonly multiAz: boolean;
  readonly snapshotRetentionDays: number;
}

/** The names the caller's API gives these settings: `RedisCache` uses the field names, the one-liner `redis...`. */
export type RedisSettingNames = Record<keyof RedisSettings, string>;

/** The names of `RedisCacheProps`. */
export const REDIS_CACHE_NAMES: RedisSettingNames = {
  engine: 'engine', nodeType: 'nodeType', port: 'port', engineVersion: 'engineVersion', replicas: 'replicas', multiAz: 'multiAz', snapshotRetentionDays: 'snapshotRetentionDays',
};

/**
 * Fills in the defaults (the engine's from the feature flags of `scope`) and checks every setting against what ElastiCache accepts for an encrypted, authenticated
 * replication group, naming each setting as the caller's API does.
 */
export function resolveRedisSettings(scope: IConstruct, settings: RedisSettings, names: RedisSettingNames): ResolvedRedisSettings {
  const port = settings.port ?? 6379;
  checkIntegerInRange(names.port, port, 1, 65535);
  const replicas = settings.replicas ?? 1;
  checkIntegerInRange(names.replicas, replicas, 0, 5);
  const multiAz = settings.multiAz ?? replicas > 0;
  if (multiAz && replicas === 0) {
    throw invalidProp(names.multiAz, multiAz, `needs at least one replica (${names.replicas} >= 1): a single node cannot fail over to another AZ`);
  }
  const snapshotRetentionDays = settings.snapshotRetentionDays ?? 15;
  checkIntegerInRange(names.snapshotRetentionDays, snapshotRetentionDays, 0, 35);
  const engineName = checkEngine(names.engine, settings.engine as CacheEngine | undefined, defaultEngine(scope));
  const engine = resolveEngineVersion(names, engineName, settings.engineVersion);
  const nodeType = settings.nodeType ?? 'cache.t3.micro';
  const { dataTiering } = checkNodeType(names, nodeType, multiAz, engine);
  return { engine, dataTiering, nodeType, port, engineVersion: engine.version, replicas, multiAz, snapshotRetentionDays };
}
