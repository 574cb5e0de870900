import { definePlugin, ok, view, warn } from '@unibudget/sdk';
import { t } from './texts.js';

export default definePlugin({
  validators: {
    'payment.validate': (input, host) => {
      const limit = Number(host.settings.warnAboveFen ?? 1_000_000);
      const amount = Number(input.document.amount);
      // Worded for the submitter (input.lang; an older host sends none: Chinese).
      return amount > limit ? warn(t(input.lang, '金额 {amount} 元超过提醒线 {limit} 元', { amount: (amount / 100).toFixed(2), limit: (limit / 100).toFixed(2) })) : ok();
    },
  },
  events: {
    // Idempotent by event id: a redelivered event overwrites the same document.
    'payment.paid': async (event, host) => {
      const payment = (event.payload as { payment: { id: number; amount: number; date: string } }).payment;
      await host.storage.put('paid', event.id, { month: payment.date.slice(0, 7), amount: payment.amount, paymentId: payment.id });
    },
  },
  routes: {
    'GET summary': async (_request, host) => {
      const indicators = await host.ledger.indicators();
      const paid = await host.storage.query('paid', {}, { limit: 500 });
      return { unitId: host.unitId, indicators: indicators.length, paidPayments: paid.length };
    },
  },
  views: {
    // Worded for the reader: context.lang is 'zh-CN' or 'en' (the app's language).
    overview: async (context, host) => {
      const lang = context.lang;
      const indicators = await host.ledger.indicators();
      const available = indicators.reduce((sum, i) => sum + i.available, 0);
      return view.page([view.stat(t(lang, '指标数'), indicators.length), view.stat(t(lang, '可用余额'), available, 'fen')], t(lang, '概览'));
    },
    // Placed on the payment's detail screen (placement payment-detail): the host passes the payment as `subject`.
    'payment-balance': async (context, host) => {
      const lang = context.lang;
      if (context.subject?.kind !== 'payment') return view.page([view.markdown(t(lang, '请在支付详情中查看。'))]);
      const paymentId = context.subject.id;
      const payment = (await host.ledger.payments({ afterId: paymentId - 1, limit: 1 })).find((p) => p.id === paymentId);
      const indicator = payment ? (await host.ledger.indicators()).find((i) => i.id === payment.indicatorId) : undefined;
      if (!payment || !indicator) return view.page([view.markdown(t(lang, '未找到该笔支付所用的指标。'))]);
      return view.page([view.stat(t(lang, '{code} 可用余额', { code: indicator.code }), indicator.available, 'fen'), view.stat(t(lang, '本笔金额'), payment.amount, 'fen')]);
    },
  },
  schedule: {
    // Cron '0 2 * * *' (02:00 UTC, per unit). Keyed by day, so a repeated run overwrites its own snapshot.
    'nightly-snapshot': async (host, run) => {
      const day = run.scheduledAt.slice(0, 10);
      const report = await host.ledger.executionReport({ year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)) });
      const departments = await host.ledger.departments();
      await host.storage.put('snapshots', day, {
        month: day.slice(0, 7), budget: report.totals.budget, paid: report.totals.paid, executionRate: report.totals.executionRate, departments: departments.length,
      });
    },
  },
});
