/**
 * The Node flags the core server runs with: bin/unibudget.mjs, and the servers the tests and
 * benchmarks start (test/reliability/server.ts, test/support/app-processes.ts, bench/http's bare
 * ceilings), so what is measured is what runs.
 * - `--no-node-snapshot`: isolated-vm (the plugin sandbox) requires it on Node >= 20.
 * - `--max-semi-space-size=64` (MiB; Node 20's default is 16): with 50 requests in flight, a request's
 *   objects outlive the young generation's collections and are promoted, then collected again as old
 *   ones. Balance reads at 50 connections took 121-123 µs of CPU each at 16 MiB, 94-122 at 32 and
 *   90-105 at 64 (four alternating runs each). The young generation grows to it only under load: at
 *   most 96 MiB more per server process.
 */
export const SERVER_NODE_FLAGS = ['--no-node-snapshot', '--max-semi-space-size=64'];
