/**
 * deploy/: what can be checked without a Docker engine, systemd as PID 1, helm or a Kubernetes API
 * server (none is on these machines). The Dockerfile is read instruction by instruction and its
 * HEALTHCHECK command is run against a real server; the systemd unit goes through
 * `systemd-analyze verify` and `security --offline`; the Helm chart is rendered by
 * test/ship/helm-render.ts (the chart's subset of Go templates) and every manifest is validated
 * against the Kubernetes OpenAPI schemas with kubernetes-models.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { startCairn } from '../helpers/cairn-process.js';
import { findTool, requireTool } from '../helpers/tools.js';
import { EXECUTABLE, REPO } from './dist-build.js';
import { ChartRenderer } from './helm-render.js';

const DEPLOY = join(REPO, 'deploy');

/** Environment variable names the server reads (in src/, outside tests; the settings table lists them). */
function namesReadBySrc(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts'))
        // `env.NAME` reads, and the quoted names of the settings table's rows.
        for (const m of readFileSync(path, 'utf8').matchAll(/(?:env\.|['"`])((?:CAIRN|MINIO)_[A-Z0-9_]+)/g))
          names.add(m[1]!);
    }
  };
  walk(join(REPO, 'src'));
  return names;
}

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function dockerInstructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('deploy/Dockerfile (read structurally; no Docker engine here)', () => {
  const instructions = dockerInstructions(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8'));
  const stages: Instruction[][] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') stages.push([]);
    stages.at(-1)?.push(ins);
  }
  const runtime = stages.at(-1) ?? [];

  test('is multi-stage: a named build stage runs npm ci, npm run build and the bundle; the runtime copies only dist-pkg', () => {
    assert.ok(stages.length >= 2, 'at least two FROM stages');
    assert.match(stages[0]![0]!.args, /^node:20\S* AS build$/i);
    const runs = stages[0]!.filter((i) => i.op === 'RUN').map((i) => i.args);
    assert.ok(runs.some((r) => /\bnpm ci\b/.test(r)));
    assert.ok(runs.some((r) => /npm run build\b/.test(r) && /npm run dist -- --bundle-only/.test(r)));
    assert.match(runtime[0]!.args, /^node:20\S*-slim\b/);
    const copies = runtime.filter((i) => i.op === 'COPY');
    assert.deepEqual(
      copies.map((c) => c.args),
      ['--from=build /src/dist-pkg/ /opt/cairn/'],
    );
  });

  test('the runtime stage runs as a numeric non-root user, declares the drive volume and port, starts the bundle', () => {
    const users = runtime.filter((i) => i.op === 'USER');
    assert.equal(users.length, 1);
    const [uid] = users[0]!.args.split(':');
    assert.match(uid!, /^\d+$/, 'numeric, so runAsNonRoot can be checked');
    assert.notEqual(Number(uid), 0);
    assert.ok(runtime.some((i) => i.op === 'VOLUME' && JSON.parse(i.args).includes('/data')));
    assert.ok(runtime.some((i) => i.op === 'EXPOSE' && i.args === '9000'));
    const entry = JSON.parse(runtime.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
    const cmd = JSON.parse(runtime.find((i) => i.op === 'CMD')!.args) as string[];
    assert.deepEqual(entry, ['node', '/opt/cairn/cairn.mjs']);
    assert.deepEqual(cmd, ['server', '--address', ':9000', '/data']);
  });

  test('every CAIRN_/MINIO_ variable the Dockerfile names is one the server reads', () => {
    const text = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
    const named = new Set(text.match(/\b(?:CAIRN|MINIO)_[A-Z_]+\b/g));
    const read = namesReadBySrc();
    assert.ok(named.size > 0);
    assert.deepEqual(
      [...named].filter((n) => !read.has(n)),
      [],
    );
  });

  test('its HEALTHCHECK command exits 0 against a live server and 1 when nothing answers', async () => {
    const health = runtime.find((i) => i.op === 'HEALTHCHECK');
    assert.ok(health, 'HEALTHCHECK present');
    const cmdJson = /CMD\s+(\[.*\])$/.exec(health.args)?.[1];
    assert.ok(cmdJson, 'exec-form CMD');
    const argv = JSON.parse(cmdJson) as string[];
    assert.match(argv.join(' '), /\/minio\/health\/live/);
    assert.equal(argv[0], 'node');
    const cairn = await startCairn({ drives: 1 });
    // The image listens on 9000; the test server on a free port.
    const probe = argv.slice(1).map((a) => a.replace('127.0.0.1:9000', `127.0.0.1:${cairn.port}`));
    try {
      assert.equal(spawnSync(process.execPath, probe, { timeout: 10_000 }).status, 0);
    } finally {
      await cairn.stop();
    }
    assert.equal(spawnSync(process.execPath, probe, { timeout: 10_000 }).status, 1);
  });
});

describe('deploy/systemd/cairn.service', requireTool('systemd-analyze'), () => {
  const unit = readFileSync(join(DEPLOY, 'systemd/cairn.service'), 'utf8');
  const settings = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!);

  test("sets User=, EnvironmentFile=/etc/default/cairn, LimitNOFILE, Restart=on-failure, and starts cairn server with the default file's variables", () => {
    assert.deepEqual(settings('User'), ['cairn']);
    assert.deepEqual(settings('EnvironmentFile'), ['/etc/default/cairn']);
    assert.ok(Number(settings('LimitNOFILE')[0]) >= 65536);
    assert.deepEqual(settings('Restart'), ['on-failure']);
    const [exec] = settings('ExecStart');
    assert.match(exec!, /^\/usr\/local\/bin\/cairn server /);
    const defaults = readFileSync(join(DEPLOY, 'systemd/cairn.default'), 'utf8');
    const defined = new Set([...defaults.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!));
    const used = [...exec!.matchAll(/\$\{?([A-Z_]+)/g)].map((m) => m[1]!);
    assert.ok(used.length > 0);
    assert.deepEqual(
      used.filter((n) => !defined.has(n)),
      [],
      'every variable ExecStart expands is in cairn.default',
    );
  });

  test('systemd-analyze verify accepts it, and security --offline rates its exposure below 4 (OK)', () => {
    // verify checks that ExecStart's binary exists: point it at the built executable when there is one.
    const dir = mkdtempSync(join(tmpdir(), 'cairn-unit-'));
    try {
      const target = findTool(EXECUTABLE) ?? process.execPath;
      const path = join(dir, 'cairn.service');
      writeFileSync(path, unit.replaceAll('/usr/local/bin/cairn', target));
      const verify = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(verify.status, 0, verify.stderr);
      assert.equal(verify.stderr.trim(), '', 'no warnings');
      const security = spawnSync('systemd-analyze', ['security', '--offline=true', path], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      const level = /Overall exposure level for cairn\.service: ([\d.]+)/.exec(security.stdout)?.[1];
      assert.ok(level, security.stdout + security.stderr);
      assert.ok(Number(level) < 4, `exposure ${level}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/helm/cairn (rendered by test/ship/helm-render.ts; validated with kubernetes-models)', () => {
  const chart = new ChartRenderer(join(DEPLOY, 'helm/cairn'));
  const MODELS: Record<string, new (data: never) => { validate(): void }> = {
    StatefulSet,
    Service,
    Secret,
    ServiceAccount,
  };
  type Manifest = Record<string, unknown> & { kind: string; metadata: { name: string } };
  const validated = (values: Record<string, unknown> = {}): Manifest[] => {
    const manifests = chart.render(values) as Manifest[];
    for (const m of manifests) {
      const Model = MODELS[m.kind];
      assert.ok(Model, `a model for ${m.kind}`);
      new Model(m as never).validate(); // throws on a schema violation
    }
    return manifests;
  };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
  const one = (ms: Manifest[], kind: string, name?: string): any =>
    ms.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));

  test('default values render a valid StatefulSet (4 drive PVCs, probes, non-root), Services and ServiceAccount, and no Secret', () => {
    const ms = validated();
    assert.deepEqual(ms.map((m) => m.kind).sort(), ['Service', 'Service', 'ServiceAccount', 'StatefulSet']);
    const sts = one(ms, 'StatefulSet');
    assert.equal(sts.spec.replicas, 1);
    const claims = sts.spec.volumeClaimTemplates;
    assert.deepEqual(
      claims.map((c: { metadata: { name: string } }) => c.metadata.name),
      ['data0', 'data1', 'data2', 'data3'],
    );
    assert.ok(
      claims.every(
        (c: { spec: { resources: { requests: { storage: string } } } }) =>
          c.spec.resources.requests.storage === '10Gi',
      ),
    );
    const pod = sts.spec.template.spec;
    const [container] = pod.containers;
    assert.deepEqual(container.args, [
      'server',
      '--address',
      ':9000',
      '/data0',
      '/data1',
      '/data2',
      '/data3',
    ]);
    assert.deepEqual(
      container.volumeMounts
        .filter((v: { name: string }) => v.name.startsWith('data'))
        .map((v: { mountPath: string }) => v.mountPath),
      ['/data0', '/data1', '/data2', '/data3'],
    );
    assert.equal(container.livenessProbe.httpGet.path, '/minio/health/live');
    assert.equal(container.readinessProbe.httpGet.path, '/minio/health/ready');
    assert.equal(container.ports[0].containerPort, 9000);
    assert.ok(container.resources.requests.memory);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(container.env, undefined, 'no credentials given: the server generates them');
    const svc = one(ms, 'Service', 'demo-cairn');
    assert.deepEqual(svc.spec.selector, sts.spec.template.metadata.labels, 'the Service selects the pod');
    assert.deepEqual(sts.spec.selector.matchLabels, sts.spec.template.metadata.labels);
    assert.equal(one(ms, 'Service', sts.spec.serviceName).spec.clusterIP, 'None');
    assert.equal(pod.serviceAccountName, one(ms, 'ServiceAccount').metadata.name);
  });

  test('root credentials in values make a Secret the container reads as MINIO_ROOT_USER / MINIO_ROOT_PASSWORD', () => {
    const ms = validated({ rootCredentials: { user: 'admin', password: 'secret12345' } });
    const secret = one(ms, 'Secret');
    assert.equal(Buffer.from(secret.data.rootUser, 'base64').toString(), 'admin');
    assert.equal(Buffer.from(secret.data.rootPassword, 'base64').toString(), 'secret12345');
    const env = one(ms, 'StatefulSet').spec.template.spec.containers[0].env;
    const read = namesReadBySrc();
    for (const e of env) {
      assert.ok(read.has(e.name), `${e.name} is read by the server`);
      assert.equal(e.valueFrom.secretKeyRef.name, secret.metadata.name);
      assert.ok(e.valueFrom.secretKeyRef.key in secret.data);
    }
    assert.deepEqual(
      env.map((e: { name: string }) => e.name),
      ['MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD'],
    );
  });

  test('existingSecret is referenced and no Secret is rendered', () => {
    const ms = validated({ rootCredentials: { existingSecret: 'my-cairn-root' } });
    assert.equal(one(ms, 'Secret'), undefined);
    const env = one(ms, 'StatefulSet').spec.template.spec.containers[0].env;
    assert.ok(
      env.every(
        (e: { valueFrom: { secretKeyRef: { name: string } } }) =>
          e.valueFrom.secretKeyRef.name === 'my-cairn-root',
      ),
    );
  });

  test('drivesPerNode, size and storageClass shape the volume claims', () => {
    const ms = validated({ drivesPerNode: 1, persistence: { size: '2Ti', storageClass: 'fast-ssd' } });
    const sts = one(ms, 'StatefulSet');
    assert.equal(sts.spec.volumeClaimTemplates.length, 1);
    assert.equal(sts.spec.volumeClaimTemplates[0].spec.storageClassName, 'fast-ssd');
    assert.equal(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, '2Ti');
    assert.deepEqual(sts.spec.template.spec.containers[0].args.slice(3), ['/data0']);
  });

  test('replicas other than 1 is refused (one instance; distributed mode is not built)', () => {
    assert.throws(() => chart.render({ replicas: 2 }), /replicas must be 1/);
  });

  test('the schema check catches a broken manifest (a string where Kubernetes wants an integer)', () => {
    const ms = chart.render({ service: { port: 'nine-thousand' } }) as Manifest[];
    const svc = one(ms, 'Service', 'demo-cairn');
    assert.throws(() => new Service(svc).validate(), /port/);
  });
});
