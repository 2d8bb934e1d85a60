import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyPrometheusToken } from '../../api/metrics/prometheus-token.js';
import { parseServerConfig } from '../server-config.js';
import { PROMETHEUS_AUTH_TYPE } from '../server-settings.js';
import { renderScrapeConfig, scrapeConfigFor } from './prometheus-commands.js';

const alias = { url: 'https://s3.example.net:9443', accessKey: 'admin', secretKey: 'admin-secret' };

describe('cairn admin prometheus generate', () => {
  test("prints mc's scrape job: job name, token, path, scheme and target from the alias", () => {
    const config = scrapeConfigFor(alias, 'cluster');
    const token = config.bearerToken ?? '';
    assert.equal(
      verifyPrometheusToken(token, (k) => (k === 'admin' ? 'admin-secret' : undefined)),
      'admin',
    );
    assert.equal(
      renderScrapeConfig(config),
      [
        'scrape_configs:',
        '- job_name: minio-job',
        `  bearer_token: ${token}`,
        '  metrics_path: /minio/v2/metrics/cluster',
        '  scheme: https',
        '  static_configs:',
        '  - targets: [s3.example.net:9443]',
      ].join('\n'),
    );
  });

  test('names the other paths’ jobs minio-job-TYPE, and leaves the token out with --public', () => {
    const node = scrapeConfigFor(alias, 'node', { public: true });
    assert.equal(node.jobName, 'minio-job-node');
    assert.equal(node.metricsPath, '/minio/v2/metrics/node');
    assert.equal(node.bearerToken, undefined);
    assert.doesNotMatch(renderScrapeConfig(node), /bearer_token/);
  });
});

describe('the metrics auth type setting', () => {
  // Read as `cairn server` reads it: through the settings table.
  const authType = (env: NodeJS.ProcessEnv) =>
    parseServerConfig(['/d'], env).settings.get(PROMETHEUS_AUTH_TYPE);

  test('is jwt by default, public by CAIRN_ or MINIO_PROMETHEUS_AUTH_TYPE, CAIRN_ first', () => {
    assert.equal(authType({}), 'jwt');
    assert.equal(authType({ MINIO_PROMETHEUS_AUTH_TYPE: 'public' }), 'public');
    assert.equal(authType({ CAIRN_PROMETHEUS_AUTH_TYPE: 'Public' }), 'public');
    assert.equal(
      authType({ CAIRN_PROMETHEUS_AUTH_TYPE: 'jwt', MINIO_PROMETHEUS_AUTH_TYPE: 'public' }),
      'jwt',
    );
    assert.throws(
      () => authType({ CAIRN_PROMETHEUS_AUTH_TYPE: 'none' }),
      /CAIRN_PROMETHEUS_AUTH_TYPE.*'jwt' or 'public'/,
    );
  });
});
