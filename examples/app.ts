// `npm run example`: synthesize the one-line web tier into cdk.out/ and print what would be deployed.
// `EXAMPLE=node npm run example`: the same tier running the Node.js app of examples/node-app/ instead.
import { nodeExampleApp } from './node-app';
import { summarize } from './summary';
import { tutorialApp } from './tutorial-app';

const outdir = process.env.CDK_OUTDIR ?? 'cdk.out';
const { app, stack, tier } = process.env.EXAMPLE === 'node' ? nodeExampleApp(outdir) : tutorialApp(outdir);
const assembly = app.synth();
console.log(summarize(assembly, stack, tier));
