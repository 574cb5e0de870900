import { texts } from '@unibudget/sdk';

/** The plugin's words: Chinese as written in the code, English here (context.lang picks). */
export const t = texts({
  概览: 'Overview',
  指标数: 'Indicators',
  可用余额: 'Available balance',
  '请在支付详情中查看。': 'Open it from a payment’s detail.',
  '未找到该笔支付所用的指标。': 'The indicator this payment draws on was not found.',
  '{code} 可用余额': '{code} available balance',
  本笔金额: 'This payment',
  '金额 {amount} 元超过提醒线 {limit} 元': 'Amount {amount} yuan is above the warning line of {limit} yuan',
});
