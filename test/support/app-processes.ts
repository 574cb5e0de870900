import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { SERVER_NODE_FLAGS } from '../../bin/node-flags.mjs';

/** A second (third…) app process on the same PostgreSQL schema as the test, for multi-process tests. */
export interface AppProcess { child: ChildProcess; port: number }

/** Starts test/support/app-process.ts on `schema` and resolves once it listens. */
export async function startAppProcess(schema: string): Promise<AppProcess> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', tsx, 'test/support/app-process.ts'], {
    env: { ...process.env, PG_SCHEMA: schema, UNIBUDGET_KDF: 'fast' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /ready (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`app process exited (${code})`)));
  });
  return { child, port };
}

/** Stops the processes and waits until each has exited. */
export async function stopAppProcesses(apps: AppProcess[]): Promise<void> {
  for (const app of apps) app.child.kill('SIGTERM');
  await Promise.all(apps.map((app) => new Promise((r) => (app.child.exitCode !== null ? r(null) : app.child.once('exit', r)))));
}
