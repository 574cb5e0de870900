#!/usr/bin/env node
// The `unibudget-plugin` bin inside this repository (npm links it from the workspace): loads the
// TypeScript sources with tsx. The published package's bin is cli.ts bundled to JavaScript.
import { register } from 'tsx/esm/api';

register();
const { sdkMain } = await import('./cli.ts');
sdkMain(process.argv.slice(2)).then((code) => process.exit(code), (error) => { console.error(error.message); process.exit(1); });
