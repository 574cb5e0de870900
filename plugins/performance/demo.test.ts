import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';

/**
 * The demo's first run (core/demo/plugins.ts enables the plugin with `demoData` and runs `monitor`
 * once): on the demo's half year of budget work, every project of the year gets targets, a monitoring
 * checkpoint, progress records and an evaluation, so the screens show data at once.
 */
const dir = fileURLToPath(new URL('.', import.meta.url));
let h: PluginHarness;

beforeAll(async () => {
  h = await createPluginHarness({ dir, units: ['a', 'b'], activity: true, settings: { demoData: true } });
}, 180_000);
afterAll(async () => h?.close());

it('seeds a year of targets and values for the demo projects, once', async () => {
  const first = (await h.runSchedule('monitor', { scheduledAt: '2026-06-15T19:00:00.000Z' })) as { seeded?: { projects: number }; projects: number };
  expect(first.seeded?.projects).toBeGreaterThan(1);
  const targets = await h.documents('targets');
  expect(targets.length).toBe(first.seeded!.projects);
  for (const t of targets) expect(t.data.lines.reduce((a: number, l: { weight: number }) => a + l.weight, 0)).toBe(100);
  expect((await h.documents('evaluations')).length).toBe(targets.length);
  expect((await h.documents('warnings')).length).toBeGreaterThan(0);

  const again = (await h.runSchedule('monitor', { scheduledAt: '2026-06-16T19:00:00.000Z' })) as { seeded?: unknown };
  expect(again.seeded).toBeUndefined();
  expect((await h.documents('targets')).length).toBe(targets.length);

  const cockpit = await h.view('cockpit', { as: 'a.leader' });
  expect(cockpit.blocks.length).toBeGreaterThan(2);
  const board = await h.view('board', { as: 'a.finance', query: { year: '2026' } });
  expect(JSON.stringify(board)).toMatch(/红|黄|绿/);
  const project = targets[0]!.data.projectId as number;
  const placed = await h.view('project', { as: 'a.head', query: { subjectKind: 'project', subjectId: String(project), year: '2026' } });
  expect(placed.blocks.some((b: { type: string }) => b.type === 'wizard')).toBe(true);
});
