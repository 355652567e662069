import { IConstruct } from 'constructs';

/** By part id, the part's prop name to the name the caller's API gives it. */
export type PartPropNames = Record<string, Record<string, string>>;

const NAMES = new WeakMap<IConstruct, PartPropNames>();

/**
 * Records that the parts `scope` builds take some props from its own caller under other names (the one-liner's
 * `webMinCapacity` is its `WebFleet`'s `minCapacity`), so that what the parts report later (at construction, in a
 * warning, or in a validation at synthesis) names the prop as the caller spelled it.
 */
export function nameCallerProps(scope: IConstruct, names: PartPropNames): void {
  NAMES.set(scope, names);
}

/** The name the caller's API gives the prop `name` of `part`: the one-liner's when it built the part, else `name`. */
export function callerName(part: IConstruct, name: string): string {
  const parent = part.node.scope;
  return (parent && NAMES.get(parent)?.[part.node.id]?.[name]) ?? name;
}
