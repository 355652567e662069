/**
 * What CloudFormation would do to a user's stack when the template of one release replaces that of another, as
 * `cdk diff` says it: @aws-cdk/cloudformation-diff, the CDK CLI's diff engine, reads each property's update
 * behaviour ("Update requires: Replacement", the resource schemas' `createOnlyProperties`) from its bundled
 * service spec.
 */
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';

/** One resource an update would replace or remove. */
export interface DestructiveChange {
  readonly logicalId: string;
  readonly resourceType: string;
  /** WILL_REPLACE, MAY_REPLACE, WILL_DESTROY or WILL_ORPHAN. */
  readonly impact: string;
  /** The properties that cause a replacement, with their old and new values. */
  readonly causes: string[];
}

const DESTRUCTIVE: string[] = [ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE, ResourceImpact.WILL_DESTROY, ResourceImpact.WILL_ORPHAN];

/** The resources of `before` that deploying `after` over it would replace or remove. */
export function destructiveChanges(before: any, after: any): DestructiveChange[] {
  const changes: DestructiveChange[] = [];
  fullDiff(before, after).resources.forEachDifference((logicalId, change) => {
    if (!DESTRUCTIVE.includes(change.changeImpact)) {
      return;
    }
    const causes: string[] = [];
    for (const [name, update] of Object.entries(change.propertyUpdates)) {
      if (update.changeImpact === ResourceImpact.WILL_REPLACE || update.changeImpact === ResourceImpact.MAY_REPLACE) {
        causes.push(`${name}: ${JSON.stringify(update.oldValue)} -> ${JSON.stringify(update.newValue)} (${update.changeImpact})`);
      }
    }
    if (change.resourceTypeChanged) {
      causes.push(`Type: ${change.oldResourceType} -> ${change.newResourceType}`);
    }
    if (change.isRemoval) {
      causes.push('removed from the template');
    }
    changes.push({ logicalId, resourceType: change.oldResourceType ?? change.resourceType ?? '?', impact: change.changeImpact, causes });
  });
  return changes;
}
