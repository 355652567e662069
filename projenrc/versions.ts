/**
 * The projen this repository builds with, and the floor of the project type package's peer dependency on it
 * (packages/cdk-zero-downtime-web-tier-app). The peer pins the dev dependency to this version, so upgrading
 * projen means changing it here.
 */
export const PROJEN_VERSION = '0.103.25';
/** aws-cdk-lib and constructs: the library's floor, and the project type's peers. */
export const CDK_VERSION = '2.273.0';
export const CONSTRUCTS_VERSION = '10.5.1';
/** Who publishes both packages (the library and the projen project type), and where their source is. */
export const AUTHOR = { author: 'cdk-zero-downtime-web-tier maintainers', authorAddress: 'maintainers@example.com' };
export const REPOSITORY_URL = 'https://github.com/cdk-zero-downtime-web-tier/cdk-zero-downtime-web-tier.git';

