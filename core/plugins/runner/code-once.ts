import type { ChildProcess } from 'node:child_process';

/**
 * A plugin's code crosses to a runner process with the first call of that plugin version only (a
 * bundle can be large: re-sending it made every validator call serialize and pipe it again). The
 * child keeps it (child.mjs `codes`) until the version is dropped; a new process starts empty.
 */
const sent = new WeakMap<ChildProcess, Set<string>>();

/** The code to send with a call of `key` to `child`: the whole code the first time, nothing after. */
export function codeOnce(child: ChildProcess, key: string, code: string): string | undefined {
  let keys = sent.get(child);
  if (!keys) sent.set(child, (keys = new Set()));
  if (keys.has(key)) return undefined;
  keys.add(key);
  return code;
}

/** The version was dropped from `child` (it forgets the code): the next call sends it again. */
export function forgetCode(child: ChildProcess, key: string): void {
  sent.get(child)?.delete(key);
}
