import type { zhForms } from './messages-forms-zh.js';

/** English messages of the data-entry forms and money captions (merged by messages-en.ts). */
export const enForms: Record<keyof typeof zhForms, string> = {
  fm_amount: 'Amount',
  fm_unitWan: 'Unit: 10,000 yuan',
  fm_draftDiscard: 'Discard draft',
  fm_transferDraftRestored: 'Your unsubmitted transfer draft was restored.',
  fm_adjustmentDraftRestored: 'Your unsubmitted adjustment draft was restored.',
};
