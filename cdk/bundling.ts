import type { BuildOptions } from 'esbuild';

/** Lambda entry points, one folder per function under functions/. */
export const FUNCTION_NAMES = ['api', 'job-executor', 'batch-seed', 'batch-execute', 'batch-monitor'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * The script sandbox (QuickJS in WebAssembly, shared/script/sandbox.ts): loaded only when a model has
 * a script, so it ships as packages beside the bundle (the stack copies them) rather than inside it,
 * and a cold start never parses its JavaScript (docs/decisions.md #48).
 */
export const SCRIPT_SANDBOX_PACKAGES = ['quickjs-emscripten-core', '@jitl/quickjs-wasmfile-release-sync', '@jitl/quickjs-ffi-types'] as const;

/**
 * The esbuild settings every function is bundled with: ESM for Node 24, minified, with source maps.
 * Shared by the stack (NodejsFunction) and the bundle-size benchmark so both measure the same thing.
 * The AWS SDK v3 ships with the Lambda Node.js runtime, so it stays external (AWS's default for
 * NodejsFunction): bundles stay small, which shortens cold starts.
 */
export const ESBUILD_OPTIONS = {
  target: 'node24',
  format: 'esm',
  platform: 'node',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*', ...SCRIPT_SANDBOX_PACKAGES],
  // Some CommonJS dependencies call require(); ESM bundles need it defined.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
} satisfies BuildOptions;
