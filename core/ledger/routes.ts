import type { RouteSpec } from '../http/route.js';
import { classificationRoutes } from './classifications/routes.js';
import { projectRoutes } from './projects/routes.js';
import { preparationRoutes } from './preparation/routes.js';
import { indicatorRoutes } from './indicators/routes.js';
import { transferRoutes } from './transfers/routes.js';
import { adjustmentRoutes } from './adjustments/routes.js';
import { paymentRoutes } from './payments/routes.js';
import { approvalRoutes } from './approvals/routes.js';
import { ruleRoutes } from './rules/routes.js';
import { accountingRoutes } from './accounting/routes.js';
import { assetRoutes } from './assets/routes.js';
import { receiptRoutes } from './receipts/routes.js';
import { progressRoutes } from './progress/routes.js';

/** Every route of the budget ledger, one list per module. */
export const ledgerRoutes: RouteSpec[] = [
  ...classificationRoutes,
  ...projectRoutes,
  ...preparationRoutes,
  ...indicatorRoutes,
  ...transferRoutes,
  ...adjustmentRoutes,
  ...paymentRoutes,
  ...approvalRoutes,
  ...ruleRoutes,
  ...accountingRoutes,
  ...assetRoutes,
  ...receiptRoutes,
  ...progressRoutes,
];
