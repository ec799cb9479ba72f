import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackConfigFromContext } from './config.ts';
import { EngineStack } from './engine-stack.ts';

/** `npx cdk synth` / `npx cdk deploy`: one stack, checked by cdk-nag's AWS Solutions rules. */
const app = new App();
const config = stackConfigFromContext((key) => app.node.tryGetContext(key));
new EngineStack(app, app.node.tryGetContext('stackName') ?? 'CamundaEngine', { config });
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
