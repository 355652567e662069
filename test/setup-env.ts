import { WebTierFeatureFlags } from '../src/feature-flags';

/**
 * Runs before every test file. aws-cdk-lib (2.263) validates each synthesized template with its built-in
 * CloudFormation validation engine unless `CDK_VALIDATION` is "false": about 13 s to start the engine in each test
 * file and most of every synthesis after it. The test files synthesize hundreds of stacks; they run without it, and
 * `test/security/cloudformation-validate.test.ts` turns it back on for the templates users deploy.
 * Child processes of the end-to-end tests do not inherit it (they drop CDK_* variables): a generated app's
 * `cdk synth` validates as a user's does.
 */
process.env.CDK_VALIDATION = 'false';

/**
 * Every `App` of the tests is a new app: it has the recommended feature flags in its context, as the cdk.json of a
 * generated app or the README's quick start gives them (`CDK_CONTEXT_JSON` is the context the CDK CLI hands an app;
 * `App` reads it over its own `context` prop, so a test cannot turn a flag off that way). The behaviour of an app
 * without the flags (an upgraded one) is tested with `test/feature-flags/upgraded-app.ts`, which leaves them out.
 */
process.env.CDK_CONTEXT_JSON = JSON.stringify(WebTierFeatureFlags.recommended());
