import { Token } from 'aws-cdk-lib';
import type { RedisCacheProps } from './redis-cache';
import { checkIntegerInRange, invalidProp } from '../validation';

/** Node families of earlier generations: no encryption in transit or at rest, and no new clusters at all for T2. */
const PREVIOUS_GENERATION = ['t1', 't2', 'm1', 'm2', 'm3', 'c1', 'r3'];
/** Node families without Multi-AZ. */
const NO_MULTI_AZ = ['t1'];
const NODE_TYPE = /^cache\.([a-z][a-z0-9]*)\.(micro|small|medium|large|([1-9]\d{0,2})?xlarge)$/;
const ENGINE_VERSION = /^(\d+)\.(\d+|x)(\.(\d+))?$/;

/** The Redis settings, as a part or the one-liner takes them. */
export type RedisSettings = Pick<RedisCacheProps, 'nodeType' | 'port' | 'engineVersion' | 'replicas' | 'multiAz' | 'snapshotRetentionDays'>;

/** The settings with every default filled in. */
export interface ResolvedRedisSettings {
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
  nodeType: 'nodeType', port: 'port', engineVersion: 'engineVersion', replicas: 'replicas', multiAz: 'multiAz', snapshotRetentionDays: 'snapshotRetentionDays',
};

/**
 * Fills in the defaults and checks every setting against what ElastiCache accepts for an encrypted, authenticated
 * replication group, naming each setting as the caller's API does.
 */
export function resolveRedisSettings(settings: RedisSettings, names: RedisSettingNames): ResolvedRedisSettings {
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
  const nodeType = settings.nodeType ?? 'cache.t3.micro';
  checkNodeType(names.nodeType, nodeType, multiAz);
  const engineVersion = settings.engineVersion ?? '7.1';
  checkEngineVersion(names.engineVersion, engineVersion);
  return { nodeType, port, engineVersion, replicas, multiAz, snapshotRetentionDays };
}

function checkNodeType(prop: string, nodeType: string, multiAz: boolean): void {
  if (Token.isUnresolved(nodeType)) {
    return;
  }
  const match = typeof nodeType === 'string' ? NODE_TYPE.exec(nodeType) : null;
  if (!match) {
    throw invalidProp(prop, nodeType, 'must be an ElastiCache node type shaped cache.<family>.<size>, such as "cache.t3.micro" or "cache.r7g.large"');
  }
  const family = match[1];
  if (multiAz && NO_MULTI_AZ.includes(family)) {
    throw invalidProp(prop, nodeType, `must be a node family with Multi-AZ: ${family} has none (use t3, t4g, m7g, r7g...)`);
  }
  if (PREVIOUS_GENERATION.includes(family)) {
    throw invalidProp(prop, nodeType, `must be a current-generation node family: ${family} offers no encryption in transit and at rest, which the cache requires (use t3, t4g, m7g, r7g...)`);
  }
}

function checkEngineVersion(prop: string, engineVersion: string): void {
  if (Token.isUnresolved(engineVersion)) {
    return;
  }
  const match = typeof engineVersion === 'string' ? ENGINE_VERSION.exec(engineVersion) : null;
  if (!match) {
    throw invalidProp(prop, engineVersion, 'must be a Redis engine version such as "7.1" or "6.x"');
  }
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[4] ?? 0)];
  if (major < 4 || (major === 4 && minor === 0 && patch < 10)) {
    throw invalidProp(prop, engineVersion, 'must be 4.0.10 or later: earlier Redis versions have no encryption at rest with an AUTH token on ElastiCache');
  }
}
