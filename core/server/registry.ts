import { accountRoutes } from '../accounts/routes.js';
import { auditRoutes } from '../audit/routes.js';
import { periodRoutes } from '../periods/routes.js';
import { unitRoutes } from '../units/routes.js';
import { ledgerRoutes } from '../ledger/routes.js';
import { pluginRoutes } from '../plugins/routes.js';
import { notificationRoutes } from '../notifications/routes.js';
import type { RouteSpec } from '../http/route.js';
import { systemRoutes } from './system-routes.js';
import { healthRoutes } from '../health/routes.js';

/** Every API route of the core. The authorization matrix test walks this list. */
export const allRoutes: RouteSpec[] = [...systemRoutes, ...healthRoutes, ...accountRoutes, ...unitRoutes, ...periodRoutes, ...auditRoutes, ...ledgerRoutes, ...notificationRoutes, ...pluginRoutes];
