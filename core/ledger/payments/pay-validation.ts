import type { Db } from '../../db/connection.js';
import type { UnitScope } from '../../permissions/service.js';
import { askBeforeCommand, type ValidatorCheck } from '../validation.js';
import { AppError, type Lang } from '../errors.js';

/**
 * Before paying (支付), outside the pay's transaction: the plugins' `payment.validate` validators are
 * asked again, with `stage: 'pay'` and the payment's id, so a plugin can hold back a payment that
 * passed submission — the collaboration plugin's joint review (联审) blocks paying while a review of
 * the payment is open. The document carries the submission's fields as stored, so a validator that
 * knows nothing of stages answers as it did at submission. Only a `block` counts here (it refuses
 * the pay, 409, nothing written); warnings were recorded at submission.
 */
export async function validatePaymentPay(db: Db, scope: UnitScope, id: number, lang?: Lang): Promise<ValidatorCheck | null> {
  const row = await db.selectFrom('payments').select(['id', 'indicator_id', 'department_id', 'payee_name', 'payee_account', 'payee_bank', 'purpose', 'economic_code', 'amount', 'date', 'status'])
    .where('unit_id', '=', scope.unitId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('PAYMENT_NOT_FOUND', { paymentId: id });
  // Not payable: the command refuses it in its own words, no plugin asked.
  if (row.status !== 'approved') return null;
  return askBeforeCommand(db, 'payment.validate', scope.unitId, {
    stage: 'pay', paymentId: row.id, indicatorId: row.indicator_id, departmentId: row.department_id, payeeName: row.payee_name,
    payeeAccount: row.payee_account, payeeBank: row.payee_bank, purpose: row.purpose, economicCode: row.economic_code, amount: row.amount, date: row.date,
  }, lang);
}
