/**
 * The reliability suites run in two profiles: `short` inside the normal `npm test` (CI runs it on
 * SQLite and on PostgreSQL, so all four suites together stay around two minutes per dialect) and
 * `long` (`UNIBUDGET_PROFILE=long`, `npm run test:long`): more kills, minutes of load, more fuzz cases.
 */
export const LONG = process.env.UNIBUDGET_PROFILE === 'long';

export const PROFILE = LONG
  ? { crashKills: 60, loadSeconds: 180, fuzzRunsPerRoute: 200 }
  : { crashKills: 20, loadSeconds: 12, fuzzRunsPerRoute: 15 };
if (process.env.UNIBUDGET_LOAD_SECONDS) PROFILE.loadSeconds = Number(process.env.UNIBUDGET_LOAD_SECONDS);

/** A fixed seed per run unless one is given, so a failure is reproduced by setting FUZZ_SEED. */
export const SEED = Number(process.env.FUZZ_SEED ?? (LONG ? Date.now() % 2 ** 31 : 20261128));

/** Small deterministic PRNG (Park–Miller), for kill timings that a seed reproduces. */
export function prng(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}
