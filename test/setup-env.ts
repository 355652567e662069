/**
 * Runs before every test file. aws-cdk-lib (2.263) validates each synthesized template with its built-in
 * CloudFormation validation engine unless `CDK_VALIDATION` is "false": about 13 s to start the engine in each test
 * file and most of every synthesis after it. The test files synthesize hundreds of stacks; they run without it, and
 * `test/security/cloudformation-validate.test.ts` turns it back on for the templates users deploy.
 * Child processes of the end-to-end tests do not inherit it (they drop CDK_* variables): a generated app's
 * `cdk synth` validates as a user's does.
 */
process.env.CDK_VALIDATION = 'false';
