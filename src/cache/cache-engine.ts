import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { NO_MULTI_AZ_FAMILIES, NODE_FAMILIES, NODE_TYPES_READ_ON, PREVIOUS_GENERATION_FAMILIES } from './cache-node-types';
import { WebTierFeatureFlags } from '../feature-flags';
import { invalidProp } from '../validation';

/**
 * The engine of the cache: both speak the same protocol (RESP), so the web servers and the hello counter work
 * with either.
 */
export enum CacheEngine {
  /**
   * ElastiCache for Valkey: the open-source fork of Redis OSS 7.2 that AWS now leads with, node hours about 20 %
   * cheaper than Redis OSS.
   */
  VALKEY = 'valkey',

  /** ElastiCache for Redis OSS, the tutorial's engine (versions up to 7.1). */
  REDIS_OSS = 'redis',
}

/** The engine's settings, with its default parameter group family. */
export interface CacheEngineVersion {
  readonly engine: CacheEngine;
  readonly version: string;
  /** The parameter group family of the version: `valkey8`, `redis7`... */
  readonly parameterGroupFamily: string;
}

/**
 * The engine versions ElastiCache offers for node-based replication groups, and their parameter group families.
 * Read on 2026-12-03 from "Supported engines and versions" and "Engine specific parameters":
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html
 * Redis OSS 4.0.10 is the oldest that allows an AUTH token with encryption at rest and in transit, which the cache
 * always turns on. A version AWS adds later is refused until it is added here.
 */
export const ENGINE_VERSIONS: Readonly<Record<CacheEngine, Readonly<Record<string, string>>>> = {
  // valkey9: named by AWS's convention (valkey7, valkey8); the 9.0 section of the parameters page was read, not its family line.
  [CacheEngine.VALKEY]: { '7.2': 'valkey7', '8.0': 'valkey8', '8.1': 'valkey8', '8.2': 'valkey8', '9.0': 'valkey9' },
  [CacheEngine.REDIS_OSS]: { '4.0': 'redis4.0', '5.0': 'redis5.0', '6.0': 'redis6.x', '6.2': 'redis6.x', '6.x': 'redis6.x', '7.0': 'redis7', '7.1': 'redis7' },
};

/**
 * The default engine of a construct: Valkey 8.2 with the `WebTierFeatureFlags.CACHE_ENGINE_VALKEY` flag (new apps): a
 * team starting today gets AWS's current engine at the lower price; its `valkey8` parameters are compatible with those
 * of Redis OSS 7.1, the default of the release of 2026-11-28, which an app without the flag keeps (docs/upgrading.md).
 */
export function defaultEngine(scope: IConstruct): CacheEngine {
  return WebTierFeatureFlags.isEnabled(scope, WebTierFeatureFlags.CACHE_ENGINE_VALKEY) ? CacheEngine.VALKEY : CacheEngine.REDIS_OSS;
}

/** The default version of each engine. */
export const DEFAULT_ENGINE_VERSIONS: Readonly<Record<CacheEngine, string>> = {
  [CacheEngine.VALKEY]: '8.2',
  [CacheEngine.REDIS_OSS]: '7.1',
};

const NODE_TYPE = /^cache\.([a-z][a-z0-9]*)\.(micro|small|medium|large|([1-9]\d{0,2})?xlarge)$/;
const ENGINE_VERSION = /^(\d+)\.(\d+|x)(\.(\d+))?$/;

/** The engine names as the caller's API gives them, for errors. */
export interface EngineSettingNames {
  readonly engine: string;
  readonly engineVersion: string;
  readonly nodeType: string;
}

/** Throws unless `engine` is one of `CacheEngine`; returns it, or `fallback` when it is not given. */
export function checkEngine(prop: string, engine: CacheEngine | undefined, fallback: CacheEngine): CacheEngine {
  if (engine === undefined || engine === null) {
    return fallback;
  }
  if (!Object.values(CacheEngine).includes(engine)) {
    throw invalidProp(prop, engine, `must be a CacheEngine: ${Object.values(CacheEngine).map(e => JSON.stringify(e)).join(' or ')}`);
  }
  return engine;
}

/**
 * Throws unless `version` is an engine version ElastiCache offers for the engine (Redis OSS 4.0 from 4.0.10);
 * returns it with its parameter group family (undefined for an unresolved token).
 */
export function resolveEngineVersion(names: EngineSettingNames, engine: CacheEngine, version: string | undefined): CacheEngineVersion {
  const engineVersion = version ?? DEFAULT_ENGINE_VERSIONS[engine];
  if (Token.isUnresolved(engineVersion)) {
    return { engine, version: engineVersion, parameterGroupFamily: '' };
  }
  const match = typeof engineVersion === 'string' ? ENGINE_VERSION.exec(engineVersion) : null;
  const offered = ENGINE_VERSIONS[engine];
  const list = Object.keys(offered).join(', ');
  const engineName = engine === CacheEngine.VALKEY ? 'Valkey' : 'Redis OSS';
  if (!match) {
    throw invalidProp(names.engineVersion, engineVersion, `must be a ${engineName} engine version such as "${DEFAULT_ENGINE_VERSIONS[engine]}": one of ${list}`);
  }
  const majorMinor = `${match[1]}.${match[2]}`;
  const family = offered[majorMinor];
  if (family === undefined) {
    const other = engine === CacheEngine.VALKEY ? CacheEngine.REDIS_OSS : CacheEngine.VALKEY;
    const hint = ENGINE_VERSIONS[other][majorMinor] !== undefined
      ? ` (${majorMinor} is a ${other === CacheEngine.VALKEY ? 'Valkey' : 'Redis OSS'} version: set ${names.engine} to match)` : '';
    throw invalidProp(names.engineVersion, engineVersion,
      `must be a ${engineName} version ElastiCache offers (${list}; AWS's list read on ${NODE_TYPES_READ_ON})${hint}`);
  }
  if (engine === CacheEngine.REDIS_OSS && majorMinor === '4.0' && Number(match[4] ?? 0) < 10) {
    throw invalidProp(names.engineVersion, engineVersion,
      'must be 4.0.10 or later: earlier Redis versions have no encryption at rest with an AUTH token on ElastiCache');
  }
  return { engine, version: engineVersion, parameterGroupFamily: family };
}

/** Whether Redis OSS version `a` (`6.2`, `5.0.6`, `6.x`) is at least `b`. */
function atLeast(a: string, b: string): boolean {
  const parts = (v: string) => v.split('.').map(p => (p === 'x' ? 99 : Number(p)));
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) {
      return diff > 0;
    }
  }
  return true;
}

/** What a checked node type brings with it. */
export interface NodeTypeFacts {
  /** Data tiering: `DataTieringEnabled` must be true. */
  readonly dataTiering: boolean;
}

/**
 * Throws unless `nodeType` exists in AWS's list for its family (`cache.<family>.<size>`), the family is of the
 * current generation, offers Multi-AZ when it is on, and runs the engine version (its own rules: r6gd's data
 * tiering needs Redis OSS 6.2 or Valkey).
 */
export function checkNodeType(names: EngineSettingNames, nodeType: string, multiAz: boolean, engine: CacheEngineVersion): NodeTypeFacts {
  if (Token.isUnresolved(nodeType)) {
    return { dataTiering: false };
  }
  const match = typeof nodeType === 'string' ? NODE_TYPE.exec(nodeType) : null;
  if (!match) {
    throw invalidProp(names.nodeType, nodeType, 'must be an ElastiCache node type shaped cache.<family>.<size>, such as "cache.t3.micro" or "cache.r7g.large"');
  }
  const [family, size] = [match[1], match[2]];
  if (multiAz && NO_MULTI_AZ_FAMILIES.includes(family)) {
    throw invalidProp(names.nodeType, nodeType, `must be a node family with Multi-AZ: ${family} has none (use t3, t4g, m7g, r7g...)`);
  }
  if (PREVIOUS_GENERATION_FAMILIES.includes(family)) {
    throw invalidProp(names.nodeType, nodeType, `must be a current-generation node family: ${family} offers no encryption in transit and at rest, which the cache requires (use t3, t4g, m7g, r7g...)`);
  }
  const rules = NODE_FAMILIES[family];
  if (rules === undefined) {
    throw invalidProp(names.nodeType, nodeType, `must be of a node family ElastiCache offers: ${Object.keys(NODE_FAMILIES).join(', ')} ` +
      `(AWS's list read on ${NODE_TYPES_READ_ON})`);
  }
  if (!rules.sizes.includes(size)) {
    throw invalidProp(names.nodeType, nodeType, `must be a size that exists for the ${family} family: ${rules.sizes.join(', ')}`);
  }
  if (engine.engine === CacheEngine.REDIS_OSS && rules.minRedisVersion !== undefined && engine.parameterGroupFamily !== ''
    && !atLeast(engine.version, rules.minRedisVersion)) {
    throw invalidProp(names.nodeType, nodeType, `needs Redis OSS ${rules.minRedisVersion} or later (or Valkey)` +
      `${rules.dataTiering ? ' for its data tiering' : ''}: ${names.engineVersion} is ${engine.version}`);
  }
  return { dataTiering: rules.dataTiering === true };
}
