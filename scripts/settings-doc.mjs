// Rewrites the generated table in docs/settings.md from the settings table (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { SERVER_SETTINGS } from '../dist/src/cli/server-settings.js';
import { settingsMarkdown } from '../dist/src/cli/settings-help.js';

const path = new URL('../docs/settings.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const start = '<!-- settings-table:start -->';
const end = '<!-- settings-table:end -->';
const before = doc.slice(0, doc.indexOf(start) + start.length);
const after = doc.slice(doc.indexOf(end));
writeFileSync(path, `${before}\n${settingsMarkdown(SERVER_SETTINGS)}\n${after}`);
