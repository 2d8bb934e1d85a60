import { AdminApi } from './admin-api.js';
import { AdminClient } from './admin-client.js';
import {
  type AliasEntry,
  checkAliasName,
  findAlias,
  loadConfig,
  MASKED_SECRET,
  normaliseUrl,
  saveConfig,
} from './alias-config.js';
import { AdminCliError, type Command, stringFlag } from './command.js';
import { renderRecord } from './table.js';

/** An alias as list output shows it: everything but the secret, which is masked. */
export function shownAlias(alias: string, entry: AliasEntry) {
  return {
    alias,
    url: entry.url,
    accessKey: entry.accessKey,
    secretKey: MASKED_SECRET,
    region: entry.region,
    api: entry.api,
  };
}

/**
 * Checks that the server answers and takes the keys, as `mc alias set` does before saving. Server
 * info needs admin rights; AccessDenied still proves the signature was accepted, so an alias for a
 * user without them is saved too.
 */
async function verify(entry: AliasEntry): Promise<void> {
  try {
    await new AdminApi(new AdminClient(entry)).serverInfo();
  } catch (err) {
    if (err instanceof AdminCliError && err.code === 'AccessDenied') return;
    if (err instanceof AdminCliError) {
      throw new AdminCliError(
        `${err.message}; the alias was not saved (--no-verify saves it unchecked)`,
        err.code,
      );
    }
    throw err;
  }
}

export const aliasCommands: Command[] = [
  {
    path: ['alias', 'set'],
    args: 'ALIAS URL ACCESSKEY SECRETKEY',
    summary: 'add or replace an alias for a server',
    minArgs: 4,
    maxArgs: 4,
    options: {
      region: { type: 'string', value: 'REGION', help: 'region to sign requests for (default us-east-1)' },
      'no-verify': {
        type: 'boolean',
        help: 'save without checking that the server answers and takes the keys',
      },
    },
    notes: ['Aliases are kept in ~/.cairn/config.json (mode 0600); CAIRN_CONFIG_DIR moves the directory.'],
    async run(ctx) {
      const [alias, rawUrl, accessKey, secretKey] = ctx.args as [string, string, string, string];
      checkAliasName(alias);
      const entry: AliasEntry = {
        url: normaliseUrl(rawUrl),
        accessKey,
        secretKey,
        region: stringFlag(ctx.flags, 'region') ?? 'us-east-1',
        api: 's3v4',
      };
      if (accessKey === '' || secretKey === '')
        throw new AdminCliError('ACCESSKEY and SECRETKEY must not be empty');
      if (ctx.flags['no-verify'] !== true) await verify(entry);
      const config = await loadConfig(ctx.configDir);
      config.aliases[alias] = entry;
      await saveConfig(ctx.configDir, config);
      const { secretKey: _, ...shown } = shownAlias(alias, entry);
      return { json: { status: 'success', ...shown }, human: `Added \`${alias}\` successfully.` };
    },
  },
  {
    path: ['alias', 'list'],
    args: '[ALIAS]',
    summary: 'list aliases (secret keys are masked)',
    minArgs: 0,
    maxArgs: 1,
    async run(ctx) {
      const config = await loadConfig(ctx.configDir);
      const wanted = ctx.args[0];
      const names = wanted === undefined ? Object.keys(config.aliases).sort() : [wanted];
      const shown = names.map((name) => shownAlias(name, findAlias(config, name)));
      const human =
        shown.length === 0
          ? 'No aliases: add one with `cairn admin alias set ALIAS URL ACCESSKEY SECRETKEY`.'
          : shown
              .map((a) =>
                [
                  a.alias,
                  renderRecord([
                    ['URL', a.url],
                    ['AccessKey', a.accessKey],
                    ['SecretKey', a.secretKey],
                    ['Region', a.region],
                    ['API', a.api],
                  ])
                    .split('\n')
                    .map((line) => `  ${line}`)
                    .join('\n'),
                ].join('\n'),
              )
              .join('\n\n');
      return { json: { status: 'success', aliases: shown }, human };
    },
  },
  {
    path: ['alias', 'remove'],
    args: 'ALIAS',
    summary: 'forget an alias',
    minArgs: 1,
    maxArgs: 1,
    async run(ctx) {
      const alias = ctx.args[0]!;
      const config = await loadConfig(ctx.configDir);
      findAlias(config, alias);
      delete config.aliases[alias];
      await saveConfig(ctx.configDir, config);
      return { json: { status: 'success', alias }, human: `Removed \`${alias}\` successfully.` };
    },
  },
];
