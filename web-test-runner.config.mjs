// Component tests of the web app (web/**/*.test.ts) in Chromium: CHROME_PATH, Debian's /usr/bin/chromium, or
// the one inside the npm package @sparticuz/chromium (web/scripts/browser.mjs picks it).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findBrowser } from './web/scripts/browser.mjs';

const browser = await findBrowser();

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wtr-chromium-'));
process.on('exit', () => fs.rmSync(userDataDir, { recursive: true, force: true }));

export default {
  files: ['web/**/*.test.ts', '!web/node_modules/**', '!web/dist/**'],
  nodeResolve: true,
  concurrency: 1,
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  plugins: [esbuildPlugin({ ts: true, target: 'auto', tsconfig: 'web/tsconfig.json' })],
  testFramework: { config: { timeout: 60000 } },
  // ECharts reads process.env.NODE_ENV; the production build defines it, the test page does here.
  testRunnerHtml: (testFramework) =>
    `<html><head><script>window.process = { env: { NODE_ENV: 'development' } };</script></head>` +
    `<body><script type="module" src="${testFramework}"></script></body></html>`,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: browser.executablePath,
        headless: true,
        userDataDir,
        args: browser.args,
      },
    }),
  ],
};
