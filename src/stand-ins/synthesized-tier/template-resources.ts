/**
 * The resources of a synthesized CloudFormation template, as every reader of `synthesized-tier/` sees them: the
 * `Resources` section, each with its `Type`, `Properties` and `UpdatePolicy`
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html).
 */

/** One resource of a template's `Resources` section. */
export interface TemplateResource {
  readonly Type?: string;
  readonly Properties?: Record<string, any>;
  readonly UpdatePolicy?: Record<string, unknown>;
}

/** The `Resources` section of `template` (empty when it has none). */
export function resourcesOf(template: unknown): Record<string, TemplateResource> {
  return (template as { Resources?: Record<string, TemplateResource> } | undefined)?.Resources ?? {};
}
