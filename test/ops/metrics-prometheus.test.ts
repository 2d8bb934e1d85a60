/**
 * Our metrics as Prometheus's own tools read them: `promtool check metrics` lints every path's
 * output, and Debian's real `prometheus` scrapes a real server with the config `cairn admin
 * prometheus generate` prints, then answers a query with the right count. Skipped with a message
 * when the tools are missing; under CI=true (which installs them) a missing tool fails.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type CairnProcess, freePort, startCairn } from '../helpers/cairn-process.js';
import { s3Client } from '../helpers/s3-client.js';
import { requireTool } from '../helpers/tools.js';
import { bearerTokenOf, generateScrapeConfig, scrape } from './metrics-support.js';

const BUCKET = 'scraped';

function runWithInput(
  cmd: string,
  args: string[],
  input: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    proc.on('error', reject);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    proc.stdin.end(input);
  });
}

describe('metrics read by Prometheus tools', () => {
  let cairn: CairnProcess;
  let s3: S3Client;
  let config: string;

  before(async () => {
    cairn = await startCairn({ drives: 4 });
    s3 = s3Client(cairn);
    config = await generateScrapeConfig(cairn, cairn);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (let i = 0; i < 3; i++) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `o${i}`, Body: `body ${i}` }));
    }
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'absent' })));
  });
  after(async () => {
    s3?.destroy();
    await cairn?.stop();
  });

  describe('promtool check metrics', requireTool('promtool'), () => {
    for (const path of ['cluster', 'node', 'bucket', 'resource'] as const) {
      test(`finds no problem in the ${path} path's metrics`, async () => {
        const res = await scrape(cairn, path, bearerTokenOf(config));
        assert.equal(res.status, 200);
        assert.match(res.text, /minio_/);
        const lint = await runWithInput('promtool', ['check', 'metrics'], res.text);
        assert.equal(lint.code, 0, `promtool check metrics found problems:\n${lint.output}`);
      });
    }
  });

  describe('a real Prometheus server', requireTool('prometheus'), () => {
    let dir: string;
    let prometheus: ChildProcess | undefined;
    let api: string;
    let log = '';

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cairn-prometheus-'));
      const port = await freePort();
      api = `http://127.0.0.1:${port}`;
      // The generated job as printed, under a 1 s scrape interval so the test needs seconds, not a minute.
      await writeFile(
        join(dir, 'prometheus.yml'),
        `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n${config}\n`,
      );
      prometheus = spawn(
        'prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prometheus.stdout?.on('data', (d: Buffer) => {
        log += d.toString();
      });
      prometheus.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
      });
    });
    after(async () => {
      if (prometheus && prometheus.exitCode === null) {
        const exited = new Promise((r) => prometheus?.once('exit', r));
        prometheus.kill('SIGTERM');
        const timer = setTimeout(() => prometheus?.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    });

    async function query(
      promql: string,
    ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
      const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as { status: string; data?: { result: [] } };
      if (body.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
      return body.data?.result ?? [];
    }

    test('scrapes the server with the generated config and answers minio_s3_requests_total', async () => {
      const deadline = Date.now() + 20_000;
      let puts: string | undefined;
      let up: string | undefined;
      while (Date.now() < deadline) {
        try {
          up = (await query('up{job="minio-job"}'))[0]?.value[1];
          puts = (await query('minio_s3_requests_total{api="putobject"}'))[0]?.value[1];
          if (up === '1' && puts !== undefined) break;
        } catch {
          // Prometheus is still starting
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(up, '1', `the target is up (Prometheus log:\n${log.slice(-2000)})`);
      assert.equal(puts, '3');
      const [head] = await query('minio_s3_requests_4xx_errors_total{api="headobject"}');
      assert.equal(head?.value[1], '1');
      assert.equal(
        head?.metric.server,
        new URL(cairn.endpoint).host,
        'every series carries the server label',
      );
      const [usable] = await query('minio_cluster_capacity_usable_total_bytes');
      assert.ok(Number(usable?.value[1]) > 0);
    });
  });
});
