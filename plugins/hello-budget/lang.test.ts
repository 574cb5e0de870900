import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';

/** A view is worded in the reader's language: the host passes the app's choice as context.lang. */
let harness: PluginHarness;
beforeAll(async () => {
  harness = await createPluginHarness({ dir: fileURLToPath(new URL('.', import.meta.url)) });
});
afterAll(async () => harness.close());

describe('hello-budget in two languages', () => {
  it('words its overview in Chinese by default and in English for an English reader', async () => {
    const zh = await harness.view('overview');
    expect(zh.title).toBe('概览');
    expect(zh.blocks.map((b: { label: string }) => b.label)).toEqual(['指标数', '可用余额']);
    const en = await harness.view('overview', { lang: 'en' });
    expect(en.title).toBe('Overview');
    expect(en.blocks.map((b: { label: string }) => b.label)).toEqual(['Indicators', 'Available balance']);
    // the figures do not depend on the language
    expect(en.blocks.map((b: { value: number }) => b.value)).toEqual(zh.blocks.map((b: { value: number }) => b.value));
  });
});
