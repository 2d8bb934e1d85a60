/**
 * Dynamic settings: madmin's get-config-kv and set-config-kv paths with plain JSON bodies (MinIO
 * sends encrypted `subsys key=value` text; see docs/admin-api.yaml). Both need admin:ConfigUpdate,
 * as in MinIO.
 */
import { SettingError } from '../../util/settings.js';
import { type AdminContext, type AdminRoute, isObject } from './admin-context.js';
import { invalidArgument, malformedJson } from './admin-errors.js';

function settingsOf(ctx: AdminContext) {
  const settings = ctx.services.settings;
  if (settings === undefined) throw invalidArgument('this server has no dynamic settings');
  return settings;
}

/** SettingErrors (unknown key, bad value) answer XMinioAdminInvalidArgument naming the setting. */
function asAdminError(err: unknown): unknown {
  return err instanceof SettingError ? invalidArgument(err.message) : err;
}

async function getConfig(ctx: AdminContext) {
  const key = ctx.query.get('key');
  try {
    return { body: { settings: settingsOf(ctx).list(key === null || key === '' ? undefined : key) } };
  } catch (err) {
    throw asAdminError(err);
  }
}

async function setConfig(ctx: AdminContext) {
  const body = await ctx.json();
  if (!isObject(body) || Object.keys(body).length === 0)
    throw malformedJson('the body must be an object of settings, e.g. {"capacity": "500GiB"}');
  const changes = new Map<string, string>();
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'number' && Number.isFinite(value)) changes.set(key, String(value));
    else if (typeof value === 'string') changes.set(key, value);
    else throw malformedJson(`${key}: a value is a string (or a number)`);
  }
  try {
    return { body: { settings: await settingsOf(ctx).set(changes) } };
  } catch (err) {
    throw asAdminError(err);
  }
}

export const CONFIG_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    path: 'get-config-kv',
    api: 'GetConfigKV',
    action: 'admin:ConfigUpdate',
    handle: getConfig,
  },
  {
    method: 'PUT',
    path: 'set-config-kv',
    api: 'SetConfigKV',
    action: 'admin:ConfigUpdate',
    handle: setConfig,
  },
];
