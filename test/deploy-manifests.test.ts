import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../src/platform/config.js';

const KUBERNETES = 'deploy/kubernetes';
const SYSTEMD = 'deploy/systemd';
const GRACE_SECONDS = loadConfig({}).PROMPTRCA_SHUTDOWN_GRACE_SECONDS;
/**
 * Peak RSS of a worker with 10 investigations in flight (MiB), as docs/OPERATIONS.md's sizing table
 * gives it from `npm run bench:worker-memory`: the manifests are held to the documented measurement.
 */
const MEASURED_WORKER_RSS_MIB = Number(
  /^\| worker, concurrency 10 \| [\d.]+ MiB \| ([\d.]+) MiB \|$/m.exec(readFileSync('docs/OPERATIONS.md', 'utf8'))?.[1],
);

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

interface Container {
  name: string;
  args: string[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value: string }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  resources?: { requests?: { memory?: string }; limits?: { memory?: string } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}

interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
}

const manifests: Manifest[] = readdirSync(KUBERNETES)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(KUBERNETES, file), 'utf8')).map((document) => {
      expect(document.errors, file).toEqual([]);
      return document.toJS() as Manifest;
    }),
  );

const find = (kind: string, name: string) => {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  expect(found, `${kind} ${name}`).toBeDefined();
  return found as Manifest;
};
const podOf = (deployment: Manifest) => (deployment.spec as { template: { spec: PodSpec } }).template.spec;
const mebibytes = (quantity: string | undefined) => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity ?? '');
  expect(match, `memory ${quantity}`).not.toBeNull();
  return Number(match?.[1]) * (match?.[2] === 'Gi' ? 1024 : 1);
};

const config = find('ConfigMap', 'promptrca-config');
const secret = find('Secret', 'promptrca-secrets');
const DEPLOYMENTS = {
  'promptrca-worker': ['worker'],
  'promptrca-sqs-bridge': ['sqs-bridge', '--queue-url', '$(PROMPTRCA_SQS_QUEUE_URL)'],
  'promptrca-notify': ['notify'],
  'promptrca-guard': ['rollout', 'guard'],
};

describe('Kubernetes manifests', () => {
  it('parse, and every object lives in the promptrca namespace', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const manifest of manifests) {
      if (manifest.kind !== 'Kustomization' && manifest.kind !== 'Namespace')
        expect(manifest.metadata.namespace, manifest.metadata.name).toBe('promptrca');
    }
    const kustomization = manifests.find((manifest) => manifest.kind === 'Kustomization') as unknown as { resources: string[] };
    for (const resource of kustomization.resources) expect(existsSync(join(KUBERNETES, resource)), resource).toBe(true);
  });

  it('keep secrets in the Secret and the rest in the ConfigMap, every value a setting the product reads or the bridge queue', () => {
    expect(Object.keys(secret.stringData ?? {})).toEqual(expect.arrayContaining(['REDIS_URL', 'OPENAI_API_KEY']));
    expect(Object.keys(config.data ?? {})).not.toContain('REDIS_URL');
    expect(Object.keys(config.data ?? {})).not.toContain('OPENAI_API_KEY');
    // The ConfigMap's values are valid as the product reads them (an invalid one would stop every pod).
    expect(() => loadConfig({ ...config.data, REDIS_URL: 'rediss://:pw@a:6379,rediss://:pw@b:6379' })).not.toThrow();
  });

  describe.each(Object.entries(DEPLOYMENTS))('%s', (name, args) => {
    const deployment = find('Deployment', name);
    const pod = podOf(deployment);
    const container = pod.containers[0] as Container;

    it('runs its command with the ConfigMap and the Secret, serving probes on all interfaces', () => {
      expect(container.args.slice(0, args.length)).toEqual(args);
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'promptrca-config' } }, { secretRef: { name: 'promptrca-secrets' } }]);
      expect(container.env).toContainEqual({ name: 'PROMPTRCA_METRICS_HOST', value: '0.0.0.0' });
      expect(container.ports).toContainEqual({ name: 'metrics', containerPort: Number(config.data?.PROMPTRCA_METRICS_PORT) });
    });

    it('is live on /livez and ready on /readyz, so that a Redis outage makes it unready, never restarted', () => {
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'metrics' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    });

    it('gives SIGTERM more time than the shutdown grace, and runs as non-root on a read-only root filesystem', () => {
      expect(Number(config.data?.PROMPTRCA_SHUTDOWN_GRACE_SECONDS)).toBe(GRACE_SECONDS);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(GRACE_SECONDS);
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(mebibytes(container.resources?.limits?.memory)).toBeGreaterThanOrEqual(mebibytes(container.resources?.requests?.memory));
    });
  });

  it('sizes the worker from its measured RSS', () => {
    expect(MEASURED_WORKER_RSS_MIB).toBeGreaterThan(0);
    const resources = (podOf(find('Deployment', 'promptrca-worker')).containers[0] as Container).resources;
    expect(mebibytes(resources?.requests?.memory)).toBeGreaterThan(MEASURED_WORKER_RSS_MIB);
    expect(mebibytes(resources?.limits?.memory)).toBeGreaterThanOrEqual(2 * MEASURED_WORKER_RSS_MIB);
  });

  it('lets a drain take one worker at a time', () => {
    const budget = find('PodDisruptionBudget', 'promptrca-worker').spec as { maxUnavailable: number; selector: { matchLabels: object } };
    expect(budget.maxUnavailable).toBe(1);
    expect(budget.selector.matchLabels).toEqual(
      (find('Deployment', 'promptrca-worker').spec as { selector: { matchLabels: object } }).selector.matchLabels,
    );
  });

  it("scales workers with KEDA on the BullMQ wait list under the ConfigMap's prefix", () => {
    const scaled = find('ScaledObject', 'promptrca-worker').spec as {
      scaleTargetRef: { name: string };
      triggers: { type: string; metadata: { listName: string; listLength: string }; authenticationRef: { name: string } }[];
    };
    expect(scaled.scaleTargetRef.name).toBe('promptrca-worker');
    const [trigger] = scaled.triggers;
    expect(trigger?.type).toBe(config.data?.PROMPTRCA_REDIS_MODE === 'cluster' ? 'redis-cluster' : 'redis');
    expect(trigger?.metadata.listName).toBe(`${config.data?.PROMPTRCA_QUEUE_PREFIX}:promptrca-investigations:wait`);
    expect(Number(trigger?.metadata.listLength)).toBeGreaterThan(0);
    const auth = find('TriggerAuthentication', trigger?.authenticationRef.name ?? '').spec as {
      secretTargetRef: { name: string; key: string }[];
    };
    for (const reference of auth.secretTargetRef) expect(Object.keys(secret.stringData ?? {}), reference.key).toContain(reference.key);
  });
});

const units = readdirSync(SYSTEMD).filter((file) => file.endsWith('.service'));

/** The [Service] settings of a unit file, each key with its values in order. */
function serviceSettings(file: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const line of readFileSync(join(SYSTEMD, file), 'utf8').split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1] ?? '';
    const setting = /^(\w+)=(.*)$/.exec(line);
    if (section === 'Service' && setting) settings.set(setting[1] ?? '', [...(settings.get(setting[1] ?? '') ?? []), setting[2] ?? '']);
  }
  return settings;
}

describe('systemd units', () => {
  it('exist for the worker, the bridge, notify and the guard', () => {
    expect(units.sort()).toEqual([
      'promptrca-guard.service',
      'promptrca-notify.service',
      'promptrca-sqs-bridge.service',
      'promptrca-worker@.service',
    ]);
  });

  it.each(units)('%s stops with SIGTERM, waits longer than the grace, reads its environment file and runs as its own user', (unit) => {
    const settings = serviceSettings(unit);
    expect(settings.get('KillSignal')).toEqual(['SIGTERM']);
    expect(Number(/^(\d+)$/.exec(settings.get('TimeoutStopSec')?.[0] ?? '')?.[1])).toBeGreaterThan(GRACE_SECONDS);
    expect(settings.get('EnvironmentFile')).toEqual(['/etc/promptrca/promptrca.env']);
    expect(settings.get('User')).toEqual(['promptrca']);
    expect(settings.get('ExecStart')?.[0]).toMatch(/^\/usr\/bin\/node \/opt\/promptrca\/dist\/src\/cli\.js /);
    expect(settings.get('RestartPreventExitStatus')).toEqual(['2']);
  });

  it('give each process on a host its own metrics port', () => {
    const ports = units.map((unit) =>
      serviceSettings(unit)
        .get('Environment')
        ?.find((value) => value.startsWith('PROMPTRCA_METRICS_PORT=')),
    );
    expect(new Set(ports).size).toBe(units.length);
  });

  it('pass systemd-analyze verify', () => {
    const verify = spawnSync('systemd-analyze', ['--version']);
    expect(verify.status, 'systemd-analyze is installed (Debian: apt-get install systemd)').toBe(0);
    const paths = units.map((unit) => join(SYSTEMD, unit.replace('@.service', '@9464.service')));
    const run = spawnSync('systemd-analyze', ['verify', '--man=no', ...paths, join(SYSTEMD, 'promptrca.target')], { encoding: 'utf8' });
    // verify exits 0 on unknown keys and bad values, and says so on stderr.
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  });
});
