// The Chromium the web component tests (web-test-runner.config.mjs) and the e2e stories (web/e2e/lib.mjs)
// run, found in this order: CHROME_PATH, Debian's /usr/bin/chromium, then the Chromium shipped inside the
// npm package @sparticuz/chromium (a devDependency), so `npm test` needs no browser on the machine.
// UNIBUDGET_CHROMIUM=packaged skips the first two (CI uses it to prove the fresh-machine path).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Flags for a desktop Chromium (CHROME_PATH or Debian's): as root it needs --no-sandbox. */
const DESKTOP_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * @typedef {{ executablePath: string, args: string[], source: 'CHROME_PATH' | 'system' | '@sparticuz/chromium' }} Browser
 * @returns {Promise<Browser>} the binary and the flags to launch it with (headless is the launcher's own option).
 */
export async function findBrowser() {
  const packagedOnly = process.env.UNIBUDGET_CHROMIUM === 'packaged';
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv && !packagedOnly) {
    if (!fs.existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist`);
    return { executablePath: fromEnv, args: DESKTOP_ARGS, source: 'CHROME_PATH' };
  }
  if (fs.existsSync(SYSTEM_CHROMIUM) && !packagedOnly) return { executablePath: SYSTEM_CHROMIUM, args: DESKTOP_ARGS, source: 'system' };
  const { default: chromium } = await import('@sparticuz/chromium');
  const executablePath = await unpackOnce(() => chromium.executablePath());
  // The package's own flags (--no-zygote, --no-sandbox, headless shell, SwiftShader), less three meant for AWS
  // Lambda: --single-process makes all browser contexts share one storage (the e2e stories' second login would
  // find the first user's token in localStorage), and the pages under test get the same-origin rules as a user's.
  const LAMBDA_ONLY = ['--single-process', '--disable-web-security', '--allow-running-insecure-content'];
  const args = chromium.args.filter((a) => !LAMBDA_ONLY.includes(a));
  return { executablePath, args: [...args, ...DESKTOP_ARGS.filter((a) => !args.includes(a) && a !== '--disable-gpu')], source: '@sparticuz/chromium' };
}

/**
 * @sparticuz/chromium unpacks to <tmp>/chromium and afterwards trusts any file of that name, even one
 * half-written by a run that was killed or is still unpacking. So: one unpacker at a time (a lock
 * folder), and a marker with the package version written only after a complete unpack; without it
 * the binary is unpacked again.
 * @param {() => Promise<string>} unpack
 */
async function unpackOnce(unpack) {
  // The package exports no ./package.json; it sits one folder above its entry (build/index.js).
  const entry = fileURLToPath(import.meta.resolve('@sparticuz/chromium'));
  const version = JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')).version;
  const tmp = os.tmpdir();
  const binary = path.join(tmp, 'chromium');
  const marker = path.join(tmp, 'chromium.unpacked');
  const lock = path.join(tmp, 'chromium.unpack-lock');
  const done = () => fs.existsSync(binary) && readOr(marker) === version;
  if (done()) return binary;
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A lock older than the deadline was left by a killed run.
      if (Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another process has been unpacking Chromium for 3 minutes (${lock})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (done()) return binary;
    console.log(`Unpacking the Chromium of @sparticuz/chromium ${version} to ${binary} (once, about 10 s)…`);
    fs.rmSync(binary, { force: true });
    fs.rmSync(marker, { force: true });
    const unpacked = await unpack();
    fs.writeFileSync(marker, version);
    return unpacked;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function readOr(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
