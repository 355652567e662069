// `npm run example`: synthesize the one-line web tier into cdk.out/ and print what would be deployed.
import { summarize } from './summary';
import { tutorialApp } from './tutorial-app';

const { app, stack, tier } = tutorialApp(process.env.CDK_OUTDIR ?? 'cdk.out');
const assembly = app.synth();
console.log(summarize(assembly, stack, tier));
