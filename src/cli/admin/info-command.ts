import type { ServerInfo } from './admin-api.js';
import type { Command } from './command.js';
import { formatBytes, formatDuration, renderRecord, renderTable } from './table.js';

function count(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '-';
}

/** Server info as `cairn admin info` prints it: the deployment, then servers, then their drives. */
export function renderServerInfo(info: ServerInfo): string {
  const servers = info.servers ?? [];
  const drives = servers.flatMap((s) => s.drives ?? []);
  const online = drives.filter((d) => d.state === 'ok' || d.state === 'online').length;
  const summary = renderRecord([
    ['Mode', info.mode ?? '-'],
    ['Region', info.region ?? '-'],
    ['Deployment', info.deploymentID ?? '-'],
    ['Buckets', count(info.buckets?.count)],
    ['Objects', count(info.objects?.count)],
    ['Usage', formatBytes(info.usage?.size)],
    ['Drives', `${online}/${drives.length} online`],
  ]);
  const serverTable = renderTable(
    ['SERVER', 'STATE', 'UPTIME', 'VERSION'],
    servers.map((s) => [s.endpoint ?? '-', s.state ?? '-', formatDuration(s.uptime), s.version ?? '-']),
    'No servers reported.',
  );
  const driveTable = renderTable(
    ['DRIVE', 'STATE', 'USED', 'AVAILABLE', 'TOTAL'],
    drives.map((d) => [
      d.endpoint ?? '-',
      d.state ?? '-',
      formatBytes(d.usedspace),
      formatBytes(d.availspace),
      formatBytes(d.totalspace),
    ]),
    'No drives reported.',
  );
  return `${summary}\n\n${serverTable}\n\n${driveTable}`;
}

export const infoCommand: Command = {
  path: ['info'],
  args: 'ALIAS',
  summary: 'show the deployment: servers, drives, objects and usage',
  minArgs: 1,
  maxArgs: 1,
  async run(ctx) {
    const info = await (await ctx.api(ctx.args[0]!)).serverInfo();
    return { json: { status: 'success', info }, human: renderServerInfo(info) };
  },
};
