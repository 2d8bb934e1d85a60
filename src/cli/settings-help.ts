/** The settings table as `cairn server --help` prints it and as docs/settings.md lists it. */
import type { SettingSpec } from '../util/settings.js';

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${indent}${l}`).join('\n');
}

/** Help text: per setting, its flag and value shape, its environment names, then what it does. */
export function settingsHelp(specs: readonly SettingSpec[]): string {
  return specs
    .map((s) => {
      const flag = s.flag ? `${s.flag} ${s.type.label}` : `${s.type.label} (no flag)`;
      const facts = [`env ${s.env.join(', ')}`];
      if (s.default !== '') facts.push(`default ${s.default}`);
      if (s.dynamic) facts.push('dynamic: cairn admin config set');
      return `  ${s.name.padEnd(24)} ${flag}\n      ${facts.join('; ')}\n${wrap(s.description, 90, '      ')}`;
    })
    .join('\n');
}

/** The same as a Markdown table (docs/settings.md holds it between its generated-table markers). */
export function settingsMarkdown(specs: readonly SettingSpec[]): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  const rows = specs.map((s) =>
    [
      `\`${s.name}\``,
      s.flag ? `\`${s.flag}\`` : '—',
      s.env.map((e) => `\`${e}\``).join(' '),
      cell(s.type.label),
      s.default === '' ? '—' : `\`${s.default}\``,
      s.dynamic ? 'yes' : 'no',
      cell(s.description),
    ].join(' | '),
  );
  return [
    '| key | flag | environment | value | default | dynamic | what it does |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}
