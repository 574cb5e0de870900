import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSources } from './imports.js';
import { THREE_PUBLIC_CODE_LIST } from '../../core/ledger/three-public.js';

/**
 * One truth per definition: 三公经费 is listed once (sdk/contracts/three-public.ts, re-exported by
 * core/ledger/three-public.ts) and 序时进度 is computed once (core/ledger/time-progress.ts). Everything
 * else — caps, approval tiers, transfer rules, reports, the web app, plugins — reads them. These
 * checks read the source text of every non-test file, so a second list or a second formula fails
 * the moment it is written.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['core', 'sdk', 'web/src', 'plugins', 'bin'];
const isTest = (file: string) => /\.test\.ts$/.test(file) || file.startsWith('test/') || file.startsWith('web/test/');
/** Data (shipped classification sets, demo figures, generated fixtures) names codes as data, not as a rule. */
const isData = (file: string) => /\/(data|fixtures)\//.test(file) || /-data\.ts$/.test(file);
const sources = listSources(ROOT, FOLDERS)
  .filter((file) => !isTest(file) && !isData(file))
  .map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));

const THREE_PUBLIC_HOMES = new Set(['sdk/contracts/three-public.ts', 'core/ledger/three-public.ts']);

/** The 三公 codes a text names as literals: quoted ('30212', "30212", `30212`) or as an object key (30212:). */
export function threePublicLiterals(text: string): string[] {
  return THREE_PUBLIC_CODE_LIST.filter((code) => new RegExp(`(['"\`])${code}\\1|(?<![\\w.])${code}\\s*:`).test(text));
}

const TIME_PROGRESS_HOME = 'core/ledger/time-progress.ts';
/** A function or constant named as a time-progress definition. */
const NAMES = '(?:timeProgress|timeProgressOf|completedMonths|elapsedMonths|monthsElapsed|monthsComplete|yearProgress|scheduleProgress)';
const DEFINES_PROGRESS = new RegExp(`\\bfunction\\s+${NAMES}\\b|\\b(?:const|let|var)\\s+${NAMES}\\s*(?::[^=]+)?=\\s*(?:async\\s*)?(?:\\(|function\\b|\\w+\\s*=>)`);
/** A division by 12 months, 365/366 days or a year's length, on a line that speaks of progress. */
const DIVIDES_YEAR = /\/\s*\(?\s*(?:12|365|366|daysInYear|yearDays|msPerYear)\b(?!\.\d)|\/\s*\(\s*end\s*-\s*start\s*\)/;
const SPEAKS_OF_PROGRESS = /progress|序时|时间进度|进度/i;

/** Lines of a text that define or compute 序时进度 on their own. */
export function progressComputations(text: string): string[] {
  return text.split('\n').filter((line) => DEFINES_PROGRESS.test(line) || (DIVIDES_YEAR.test(line) && SPEAKS_OF_PROGRESS.test(line))).map((l) => l.trim());
}

describe('one truth per definition', () => {
  it('the checks see what they look for (so they cannot pass by seeing nothing)', () => {
    expect(threePublicLiterals("export const THREE_PUBLIC = new Set(['30212', '30217', '30231', '31013']);")).toEqual(['30212', '30217', '30231', '31013']);
    expect(threePublicLiterals('const items = { 30212: "abroad", 30913: "car" };')).toEqual(['30212', '30913']);
    expect(threePublicLiterals("const standard = { economicCode: '30217' }; const x = 1302120;")).toEqual(['30217']);
    expect(progressComputations('export function timeProgress(year: number, now = new Date()): number {')).toHaveLength(1);
    expect(progressComputations('  const timeProgress = m / 12;')).toHaveLength(1);
    expect(progressComputations("    { name: '序时进度', data: MONTHS.map((_, k) => r4((k + 1) / 12)) },")).toHaveLength(1);
    expect(progressComputations('  const progress = Math.round((month / 12) * 10_000) / 10_000;')).toHaveLength(1);
    expect(progressComputations('  return (today - start) / (end - start); // share of the year: progress')).toHaveLength(1);
    expect(progressComputations('const completedMonths = (year: number, asOf: string) => Number(asOf.slice(5, 7)) - 1;')).toHaveLength(1);
    expect(progressComputations('  const timeProgress = input.time.value;')).toEqual([]); // taking the host's value is not a definition
    expect(progressComputations('      const year = Math.floor(index / 12);')).toEqual([]);
    expect(progressComputations('  const point = (toDate * 12) / months;')).toEqual([]);
  });

  it('三公经费 is listed once: no other source file names two or more of its codes', () => {
    const found = sources
      .filter(({ file }) => !THREE_PUBLIC_HOMES.has(file))
      .map(({ file, text }) => ({ file, codes: threePublicLiterals(text) }))
      .filter(({ codes }) => codes.length >= 2)
      .map(({ file, codes }) => `${file}: ${codes.join(', ')}`);
    expect(found, 'read THREE_PUBLIC_* from core/ledger/three-public.ts (core), @unibudget/sdk (plugins) or @unibudget/sdk/contracts/three-public (web)').toEqual([]);
  });

  it('序时进度 is computed once: no other source file defines or computes it', () => {
    const found = sources
      .filter(({ file }) => file !== TIME_PROGRESS_HOME)
      .flatMap(({ file, text }) => progressComputations(text).map((line) => `${file}: ${line}`));
    expect(found, 'take 序时进度 from core/ledger/time-progress.ts (core), host.ledger.timeProgress (plugins) or GET /api/units/:unitId/time-progress (web)').toEqual([]);
  });
});
