import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SERVER_SETTINGS } from './server-settings.js';
import { settingsHelp, settingsMarkdown } from './settings-help.js';

test('docs/settings.md lists the settings table as it is (regenerate with scripts/settings-doc.mjs)', () => {
  const doc = readFileSync(new URL('../../../docs/settings.md', import.meta.url), 'utf8');
  assert.ok(
    doc.includes(settingsMarkdown(SERVER_SETTINGS)),
    'docs/settings.md is out of date: run node scripts/settings-doc.mjs',
  );
});

test('help names every setting with its flag and every environment name', () => {
  const help = settingsHelp(SERVER_SETTINGS);
  for (const s of SERVER_SETTINGS) {
    assert.ok(help.includes(s.name), s.name);
    if (s.flag) assert.ok(help.includes(s.flag), s.flag);
    for (const e of s.env) assert.ok(help.includes(e), e);
  }
});
