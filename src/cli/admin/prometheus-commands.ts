import { PROMETHEUS_TOKEN_LIFETIME_S, signPrometheusToken } from '../../api/metrics/prometheus-token.js';
import { findAlias, loadConfig } from './alias-config.js';
import { type Command, UsageError } from './command.js';

const METRIC_TYPES = ['cluster', 'node', 'bucket', 'resource'] as const;

/** mc's job names: `minio-job` for the cluster path, `minio-job-<type>` for the others. */
const JOB_NAME = 'minio-job';

export interface ScrapeConfig {
  jobName: string;
  bearerToken?: string;
  metricsPath: string;
  scheme: string;
  staticConfigs: { targets: string[] }[];
}

/** A YAML scalar: plain when it is only safe characters, else double-quoted (JSON's quoting is YAML's). */
function scalar(value: string): string {
  return /^[A-Za-z0-9._/-][A-Za-z0-9._/:-]*$/.test(value) ? value : JSON.stringify(value);
}

/** The config as `mc admin prometheus generate` prints it: one scrape job under `scrape_configs`. */
export function renderScrapeConfig(c: ScrapeConfig): string {
  const lines = ['scrape_configs:', `- job_name: ${scalar(c.jobName)}`];
  if (c.bearerToken !== undefined) lines.push(`  bearer_token: ${scalar(c.bearerToken)}`);
  lines.push(
    `  metrics_path: ${scalar(c.metricsPath)}`,
    `  scheme: ${scalar(c.scheme)}`,
    '  static_configs:',
  );
  for (const s of c.staticConfigs) lines.push(`  - targets: [${s.targets.map(scalar).join(', ')}]`);
  return lines.join('\n');
}

/**
 * The scrape config for `alias`'s `type` path: its scheme and host from the alias URL, and (unless
 * `public`) a bearer token signed with the alias's keys, valid for about 100 years, as mc makes it.
 */
export function scrapeConfigFor(
  alias: { url: string; accessKey: string; secretKey: string },
  type: (typeof METRIC_TYPES)[number],
  opts: { public?: boolean; now?: Date } = {},
): ScrapeConfig {
  const url = new URL(alias.url);
  const config: ScrapeConfig = {
    jobName: type === 'cluster' ? JOB_NAME : `${JOB_NAME}-${type}`,
    metricsPath: `/minio/v2/metrics/${type}`,
    scheme: url.protocol.replace(/:$/, ''),
    staticConfigs: [{ targets: [url.host] }],
  };
  if (!opts.public) {
    config.bearerToken = signPrometheusToken(alias.accessKey, alias.secretKey, {
      ...(opts.now ? { now: opts.now } : {}),
      lifetimeS: PROMETHEUS_TOKEN_LIFETIME_S,
    });
  }
  return config;
}

export const prometheusGenerateCommand: Command = {
  path: ['prometheus', 'generate'],
  args: 'ALIAS [cluster|node|bucket|resource]',
  summary: "print a Prometheus scrape config for the server's metrics, with a bearer token",
  minArgs: 1,
  maxArgs: 2,
  options: {
    public: {
      type: 'boolean',
      help: 'leave the bearer token out (a server with CAIRN_PROMETHEUS_AUTH_TYPE=public)',
    },
  },
  notes: [
    "The token is signed with the alias's keys: root's, or a user's or service account's allowed admin:Prometheus.",
    'Paste the job into prometheus.yml under scrape_configs. Example:',
    '  cairn admin prometheus generate local node',
  ],
  async run(ctx) {
    const [aliasName, rawType = 'cluster'] = ctx.args as [string, string?];
    const type = METRIC_TYPES.find((t) => t === rawType);
    if (type === undefined) {
      throw new UsageError(
        `metric type must be one of ${METRIC_TYPES.join(', ')}, not ${JSON.stringify(rawType)}`,
        'cairn admin prometheus generate',
      );
    }
    const alias = findAlias(await loadConfig(ctx.configDir), aliasName);
    const config = scrapeConfigFor(alias, type, { public: ctx.flags.public === true });
    return { json: { ...config }, human: renderScrapeConfig(config) };
  },
};
