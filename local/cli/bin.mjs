#!/usr/bin/env node
// The package's command (package.json "bin"): the TypeScript CLI run through tsx, as npm start runs the local runtime.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('./main.ts');
try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
