import { definePlugin, ok, view, warn } from '@unibudget/sdk';

export default definePlugin({
  validators: {
    'payment.validate': (input, host) => {
      const limit = Number(host.settings.warnAboveFen ?? 1_000_000);
      const amount = Number(input.document.amount);
      return amount > limit ? warn(`金额 ${(amount / 100).toFixed(2)} 元超过提醒线 ${(limit / 100).toFixed(2)} 元`) : ok();
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
      const w = context.lang === 'en' ? { count: 'Indicators', available: 'Available balance', title: 'Overview' } : { count: '指标数', available: '可用余额', title: '概览' };
      const indicators = await host.ledger.indicators();
      const available = indicators.reduce((sum, i) => sum + i.available, 0);
      return view.page([view.stat(w.count, indicators.length), view.stat(w.available, available, 'fen')], w.title);
    },
    // Placed on the payment's detail screen (placement payment-detail): the host passes the payment as `subject`.
    'payment-balance': async (context, host) => {
      if (context.subject?.kind !== 'payment') return view.page([view.markdown('请在支付详情中查看。')]);
      const paymentId = context.subject.id;
      const payment = (await host.ledger.payments({ afterId: paymentId - 1, limit: 1 })).find((p) => p.id === paymentId);
      const indicator = payment ? (await host.ledger.indicators()).find((i) => i.id === payment.indicatorId) : undefined;
      if (!payment || !indicator) return view.page([view.markdown('未找到该笔支付所用的指标。')]);
      return view.page([view.stat(`${indicator.code} 可用余额`, indicator.available, 'fen'), view.stat('本笔金额', payment.amount, 'fen')]);
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
