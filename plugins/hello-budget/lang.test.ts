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

  it('words the placed view and the validator\'s warning for the reader and the submitter', async () => {
    const CJK = /[\u3400-\u9fff]/;
    const payment = await harness.submitPayment(2_000_000, { lang: 'en' });
    expect(payment.status).toBe(201);
    const warning = payment.body.warnings.find((w: { rule: string }) => w.rule === 'plugin:hello-budget');
    expect(warning.message).toBe('Amount 20000.00 yuan is above the warning line of 10000.00 yuan');
    const zhPayment = await harness.submitPayment(2_000_000);
    expect(zhPayment.body.warnings.find((w: { rule: string }) => w.rule === 'plugin:hello-budget').message).toBe('金额 20000.00 元超过提醒线 10000.00 元');
    const query = { subjectKind: 'payment', subjectId: String(payment.body.id) };
    const en = await harness.view('payment-balance', { query, lang: 'en' });
    expect(en.blocks.map((b: { label: string }) => b.label)).toEqual([expect.stringMatching(/ available balance$/), 'This payment']);
    expect(en.blocks.some((b: { label: string }) => CJK.test(b.label))).toBe(false);
    const zh = await harness.view('payment-balance', { query });
    expect(zh.blocks.map((b: { label: string }) => b.label)).toEqual([expect.stringMatching(/ 可用余额$/), '本笔金额']);
    expect((await harness.view('payment-balance', { lang: 'en' })).blocks[0].text).toBe('Open it from a payment’s detail.');
  });
});
