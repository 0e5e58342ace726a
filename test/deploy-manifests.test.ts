import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig, SETTING_NAMES } from '../src/platform/config.js';

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
/**
 * Variables a deployment may set that are not settings of the product: read by the AWS SDK or Node
 * themselves, or by the deployment (the bridge's --queue-url). Each is documented in CONFIGURATION.md.
 */
const OTHER_VARIABLES = [
  'PROMPTRCA_SQS_QUEUE_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'NODE_EXTRA_CA_CERTS',
];
const KNOWN_VARIABLES: string[] = [...SETTING_NAMES, ...OTHER_VARIABLES];

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

  it('keep secrets in the Secret and the rest in the ConfigMap, with values the product accepts', () => {
    expect(Object.keys(secret.stringData ?? {})).toEqual(expect.arrayContaining(['REDIS_URL', 'OPENAI_API_KEY']));
    expect(Object.keys(config.data ?? {})).not.toContain('REDIS_URL');
    expect(Object.keys(config.data ?? {})).not.toContain('OPENAI_API_KEY');
    // The ConfigMap's values are valid as the product reads them (an invalid one would stop every pod).
    expect(() => loadConfig({ ...config.data, REDIS_URL: 'rediss://:pw@a:6379,rediss://:pw@b:6379' })).not.toThrow();
  });

  it('name only variables the product, Node or the AWS SDK reads, so that a misspelt one fails here', () => {
    const documented = readFileSync('docs/CONFIGURATION.md', 'utf8');
    for (const name of OTHER_VARIABLES) expect(documented, name).toContain(`\`${name}\``);
    expect(KNOWN_VARIABLES).toEqual(expect.arrayContaining(Object.keys(config.data ?? {})));
    // The Secret may also hold what KEDA's TriggerAuthentication reads, and nothing else.
    const forKeda = manifests
      .filter((manifest) => manifest.kind === 'TriggerAuthentication')
      .flatMap((manifest) => (manifest.spec as { secretTargetRef: { key: string }[] }).secretTargetRef.map(({ key }) => key));
    expect([...KNOWN_VARIABLES, ...forKeda]).toEqual(expect.arrayContaining(Object.keys(secret.stringData ?? {})));
    for (const name of Object.keys(DEPLOYMENTS)) {
      const container = podOf(find('Deployment', name)).containers[0] as Container;
      expect(KNOWN_VARIABLES, name).toEqual(expect.arrayContaining((container.env ?? []).map((variable) => variable.name)));
      // $(NAME) in args is expanded by Kubernetes only from the container's own variables.
      for (const [, variable] of container.args.join(' ').matchAll(/\$\((\w+)\)/g))
        expect(Object.keys(config.data ?? {}), `${name}: $(${variable})`).toContain(variable);
    }
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

  it('leaves the worker count to KEDA, whose floor keeps two workers', () => {
    // A fixed count in the Deployment would reset KEDA's on every apply.
    expect(find('Deployment', 'promptrca-worker').spec).not.toHaveProperty('replicas');
    expect((find('ScaledObject', 'promptrca-worker').spec as { minReplicaCount: number }).minReplicaCount).toBeGreaterThanOrEqual(2);
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

  it('name only variables the product, Node or the AWS SDK reads, in the units and the environment file', () => {
    const envFile = readFileSync(join(SYSTEMD, 'promptrca.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^\w+=/.test(line))
      .map((line) => line.slice(0, line.indexOf('=')));
    expect(KNOWN_VARIABLES).toEqual(expect.arrayContaining(envFile));
    for (const unit of units) {
      const settings = serviceSettings(unit);
      const set = (settings.get('Environment') ?? []).map((value) => value.slice(0, value.indexOf('=')));
      expect(KNOWN_VARIABLES, unit).toEqual(expect.arrayContaining(set));
      // ${NAME} in ExecStart comes from the environment file or the unit.
      for (const [, variable] of (settings.get('ExecStart')?.[0] ?? '').matchAll(/\$\{(\w+)\}/g))
        expect([...envFile, ...set], `${unit}: \${${variable}}`).toContain(variable);
    }
  });

  it('are grouped by promptrca.target, so that `systemctl restart promptrca.target` restarts them all', () => {
    for (const unit of units) {
      const text = readFileSync(join(SYSTEMD, unit), 'utf8');
      expect(text, unit).toMatch(/^PartOf=promptrca\.target$/m);
      expect(text, unit).toMatch(/^WantedBy=promptrca\.target$/m);
    }
    expect(readFileSync(join(SYSTEMD, 'promptrca.target'), 'utf8')).toMatch(/^WantedBy=multi-user\.target$/m);
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
