/**
 * The web console end to end: Debian's chromium (playwright-core; never a browser download)
 * against a real `cairn server --console-address` process.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type CairnProcess, freePort, startCairn } from '../helpers/cairn-process.js';
import { addUser, adminCall } from '../helpers/iam-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present && process.env.CI === 'true')
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);

describe('web console in chromium', {
  skip: present ? false : `no ${CHROMIUM}: apt-get install chromium`,
}, () => {
  let cairn: CairnProcess;
  let browser: Browser;
  let consoleUrl = '';

  before(async () => {
    const consolePort = await freePort();
    cairn = await startCairn({ drives: 1, extraArgs: ['--console-address', `127.0.0.1:${consolePort}`] });
    consoleUrl = `http://127.0.0.1:${consolePort}`;
    // launch() gives the browser a fresh, temporary profile of its own (playwright refuses a
    // --user-data-dir argument here) and removes it on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await cairn?.stop();
  });

  /** A fresh browser context and page at `size`, collecting browser-console errors. */
  async function open(size = { width: 1280, height: 800 }) {
    const context = await browser.newContext({ viewport: size });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    return { context, page, errors };
  }

  async function signIn(page: Page, accessKey: string, secretKey: string) {
    await page.goto(consoleUrl);
    await page.getByLabel('Access key').fill(accessKey);
    await page.getByLabel('Secret key').fill(secretKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  test('root signs in, creates a bucket, sees it listed, deletes it after confirming, signs out; the session is dead', async () => {
    const { context, page, errors } = await open();
    const response = await page.goto(consoleUrl);
    assert.match(
      response?.headers()['content-security-policy'] ?? '',
      /default-src 'self'.*frame-ancestors 'none'/,
    );
    assert.equal(response?.headers()['x-content-type-options'], 'nosniff');
    await signIn(page, cairn.accessKey, cairn.secretKey);
    await page.getByRole('heading', { name: 'Buckets' }).waitFor();
    await page.getByLabel('New bucket name').fill('console-made');
    await page.getByRole('button', { name: 'Create bucket' }).click();
    const row = page.getByRole('row', { name: /console-made/ });
    await row.waitFor();
    // Cells after the name (a row header): created, objects, size.
    assert.equal(await row.getByRole('cell').nth(1).textContent(), '0');

    const cookies = await context.cookies(`${consoleUrl}/api/`);
    const session = cookies.find((c) => c.name === 'cairn_console_session');
    assert.ok(session?.httpOnly && session.sameSite === 'Strict', 'HttpOnly, SameSite=Strict cookie');
    assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie readable by scripts');

    await row.getByRole('button', { name: /Delete/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete bucket console-made?' });
    await dialog.getByRole('button', { name: 'Delete console-made' }).click();
    await page.getByText('No buckets yet').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access key').waitFor();
    // The old cookie, replayed to /api and its credentials used on S3 directly, are refused.
    const value = session?.value ?? '';
    const replay = await fetch(`${consoleUrl}/api/s3/`, {
      headers: { cookie: `cairn_console_session=${value}` },
    });
    assert.equal(replay.status, 400); // S3 answers ExpiredToken with 400
    assert.match(await replay.text(), /<Code>ExpiredToken<\/Code>/);
    const [accessKeyId, secretAccessKey, sessionToken] = JSON.parse(
      Buffer.from(value, 'base64url').toString('utf8'),
    ) as string[];
    const s3 = new S3Client({
      endpoint: cairn.endpoint,
      region: cairn.region,
      forcePathStyle: true,
      credentials: {
        accessKeyId: accessKeyId ?? '',
        secretAccessKey: secretAccessKey ?? '',
        sessionToken: sessionToken ?? '',
      },
    });
    await assert.rejects(s3.send(new ListBucketsCommand({})), (err: Error) => err.name === 'ExpiredToken');
    s3.destroy();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a readonly user signs in and is told in words that creating a bucket is refused', async () => {
    await addUser(cairn, 'reader', 'reader-secret-1');
    await adminCall(
      cairn,
      'POST',
      'idp/builtin/policy/attach',
      {},
      { policies: ['readonly'], user: 'reader' },
    );
    const { context, page } = await open();
    await signIn(page, 'reader', 'reader-secret-1');
    await page.getByLabel('New bucket name').fill('not-allowed');
    await page.getByRole('button', { name: 'Create bucket' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Access denied.*\(AccessDenied\)/);
    await context.close();
  });

  test('a wrong secret shows an error and sets no cookie', async () => {
    const { context, page, errors } = await open();
    await signIn(page, cairn.accessKey, 'not-the-secret');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /wrong/);
    assert.deepEqual(await context.cookies(`${consoleUrl}/api/`), []);
    // The refused sign-in is the page's only console error (the browser logs the 403).
    assert.ok(
      errors.every((e) => /403/.test(e)),
      errors.join('\n'),
    );
    await context.close();
  });

  test('every page opens at 1280×800 and 390×844 with no browser-console error', async () => {
    for (const size of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      const { context, page, errors } = await open(size);
      await page.goto(consoleUrl);
      await page.getByLabel('Access key').waitFor();
      await signIn(page, cairn.accessKey, cairn.secretKey);
      await page.getByRole('heading', { name: 'Buckets' }).waitFor();
      await page.goto(`${consoleUrl}/buckets`);
      await page.getByRole('heading', { name: 'Buckets' }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at ${size.width}px (${overflow}px over)`);
      assert.deepEqual(errors, [], `at ${size.width}×${size.height}`);
      await context.close();
    }
  });
});
