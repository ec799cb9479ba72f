import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { alarmAbove } from './alarm.ts';
import { ESBUILD_OPTIONS, type FunctionName, SCRIPT_SANDBOX_PACKAGES } from '../bundling.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Relative to the project root; shared/rest/openapi/product-document.ts reads it beside the bundle. */
const OPENAPI_DOCUMENT = 'shared/rest/openapi/camunda-openapi.json';

export interface EngineFunctionProps {
  name: FunctionName;
  functionName: string;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  alarmTopic: sns.ITopic;
}

/**
 * One Lambda per handler: Node 24 on arm64, bundled by the local esbuild (no Docker), JSON logs in a
 * log group with a set retention, and alarms on errors and throttles.
 */
export class EngineFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: EngineFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: `/aws/lambda/${props.functionName}`, retention: props.logRetention });
    this.fn = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      entry: `${ROOT}functions/${props.name}/handler.ts`,
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: ESBUILD_OPTIONS.target,
        minify: ESBUILD_OPTIONS.minify,
        sourceMap: ESBUILD_OPTIONS.sourcemap,
        mainFields: [...ESBUILD_OPTIONS.mainFields],
        externalModules: [...ESBUILD_OPTIONS.external],
        banner: ESBUILD_OPTIONS.banner.js,
        // Beside the bundle: Camunda's OpenAPI document, served by GET /openapi.json (the API only), and the
        // script sandbox's packages (its .wasm included), both read when needed, never at a cold start.
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            ...(props.name === 'api' ? [`cp "${inputDir}/${OPENAPI_DOCUMENT}" "${outputDir}/camunda-openapi.json"`] : []),
            `mkdir -p "${outputDir}/node_modules/@jitl"`,
            ...SCRIPT_SANDBOX_PACKAGES.map((name) => `cp -R "${inputDir}/node_modules/${name}" "${outputDir}/node_modules/${name}"`),
          ],
        },
      },
    });
    alarmAbove(this, 'ErrorAlarm', { description: `${props.functionName} raised errors`, metric: this.fn.metricErrors({ period: Duration.minutes(5) }), threshold: 0 }, props.alarmTopic);
    alarmAbove(this, 'ThrottleAlarm', { description: `${props.functionName} was throttled`, metric: this.fn.metricThrottles({ period: Duration.minutes(5) }), threshold: 0 }, props.alarmTopic);
  }
}
