// Integration test, in the aws-cdk convention (@aws-cdk/integ-tests-alpha, run by integ-runner).
//
// Deploys the default web tier, calls the hello page through the load balancer until it answers, then several
// times more, and asserts that the visit counter rises at every call and that two instances answered.
//
// - Without an AWS account (every build): `npx projen integ` synthesizes this app and compares it with the
//   committed snapshot (test/integ.web-tier.ts.snapshot/); a change to the templates fails until
//   `npx projen integ:snapshot` records it (no deployment).
// - With an AWS account: `npx projen integ:deploy` deploys it, runs the assertions and destroys it (about 20
//   minutes; the tier is billed by the hour meanwhile, see the README's Cost section).
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { WebTierFeatureFlags, ZeroDowntimeWebTier } from '../src';

/** How many answers the probe reads at least, and at most (each one bounded by its own timeout). */
const MIN_ANSWERS = 6;
const MAX_ANSWERS = 20;

// A new app: the web tier's recommended feature flags, as a generated app's cdk.json has them.
const app = new App({ context: WebTierFeatureFlags.recommended() });
const stack = new Stack(app, 'ZeroDowntimeWebTierInteg');
const tier = new ZeroDowntimeWebTier(stack, 'WebTier');
const helloUrl = `http://${tier.loadBalancer.loadBalancerDnsName}/cgi-bin/hello.py`;

// Reads the hello page through the load balancer, answer after answer: the counter (Redis INCR) must rise at
// every answer, and the load balancer must spread them over two instances.
const probe = new lambda.Function(stack, 'HelloProbe', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  timeout: Duration.minutes(2),
  // The URL as an environment variable: a token inside the invocation's JSON payload would not be escaped.
  environment: { HELLO_URL: helloUrl },
  code: lambda.Code.fromInline(`
exports.handler = async () => {
  const counters = [];
  const ids = new Set();
  for (let i = 0; i < ${MAX_ANSWERS} && (counters.length < ${MIN_ANSWERS} || ids.size < 2); i++) {
    const response = await fetch(process.env.HELLO_URL, { signal: AbortSignal.timeout(5000) });
    const body = await response.text();
    const counter = /Counter: (\\d+)/.exec(body);
    const id = /Id: (i-[0-9a-f]+)/.exec(body);
    if (response.status !== 200 || !counter || !id) {
      return { error: 'HTTP ' + response.status + ': ' + body.slice(0, 300) };
    }
    counters.push(Number(counter[1]));
    ids.add(id[1]);
  }
  return {
    counterRose: counters.length >= ${MIN_ANSWERS} && counters.every((c, i) => i === 0 || c > counters[i - 1]),
    instanceIds: ids.size,
    counters,
    ids: [...ids],
  };
};
`),
});

const integ = new IntegTest(app, 'WebTierInteg', {
  testCases: [stack],
  // The instances and Redis take minutes to come up; destroy everything afterwards.
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

// First: the hello page answers through the load balancer (the fleet has booted and passed its health checks).
const firstAnswer = integ.assertions.httpApiCall(helloUrl).expect(ExpectedResult.objectLike({
  status: 200,
  body: Match.stringLikeRegexp('Counter: \\d+[\\s\\S]*Id: i-[0-9a-f]+'),
})).waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) });

// Then: several more calls; the counter rises at each, and two instances answer.
firstAnswer.next(integ.assertions.invokeFunction({ functionName: probe.functionName }).expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson({ counterRose: true, instanceIds: 2 }),
})));

app.synth();
