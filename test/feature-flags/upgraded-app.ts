import { App, AppProps } from 'aws-cdk-lib';

/**
 * Runs `make` with no `CDK_CONTEXT_JSON` in the environment. test/setup-env.ts gives every test app the recommended
 * feature flags through it, and `App` reads it over its own `context` prop; an app made here has exactly its own.
 */
export function withoutEnvironmentContext<T>(make: () => T): T {
  const saved = process.env.CDK_CONTEXT_JSON;
  delete process.env.CDK_CONTEXT_JSON;
  try {
    return make();
  } finally {
    if (saved !== undefined) {
      process.env.CDK_CONTEXT_JSON = saved;
    }
  }
}

/**
 * An app as it is after upgrading the library without touching its cdk.json: none of the web tier's feature flags
 * in its context, unless `context` sets some.
 */
export function upgradedApp(context: Record<string, unknown> = {}, props: AppProps = {}): App {
  return withoutEnvironmentContext(() => new App({ ...props, context: { ...props.context, ...context } }));
}
