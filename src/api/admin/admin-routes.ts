/** Every admin route, by path below `/minio/admin/v3/` and method. */
import type { AdminRoute } from './admin-context.js';
import { CONFIG_ROUTES } from './config-routes.js';
import { GROUP_ROUTES } from './group-routes.js';
import { HEAL_ROUTES } from './heal-routes.js';
import { INFO_ROUTES } from './info-routes.js';
import { POLICY_ROUTES } from './policy-routes.js';
import { SERVICE_ACCOUNT_ROUTES } from './service-account-routes.js';
import { TRACE_ROUTES } from './trace-routes.js';
import { USER_ROUTES } from './user-routes.js';

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  ...USER_ROUTES,
  ...GROUP_ROUTES,
  ...POLICY_ROUTES,
  ...SERVICE_ACCOUNT_ROUTES,
  ...INFO_ROUTES,
  ...TRACE_ROUTES,
  ...HEAL_ROUTES,
  ...CONFIG_ROUTES,
];
