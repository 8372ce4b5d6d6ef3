import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSchemaSources, SchemaValidator } from '../../lib/synth';
import { defaultValidatorCache, DiskValidatorCache, inputsDigest } from '../../lib/synth/validator-cache';
import { Manifest } from '../../lib/core/manifest';
import { PROJECT_CRD_DIRECTORY } from '../../lib/synth/schema-sources';
import { withoutNullKeywords } from '../../lib/synth/schema-validator';
import { standardSynthesis, sharedValidator } from '../support/synthesis';

/** A deep copy of one synthesized object, to break. */
function synthesized(environment: string, kind: string, name: string): any {
  const found = standardSynthesis()
    .environments.find((e) => e.environment.name === environment)!
    .manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in ${environment}`);
  return structuredClone(found);
}

/** The problems, with what refuses each (the tests of the supported range check that part). */
const refusalsOf = (manifest: Manifest) => sharedValidator().validate(manifest);
const problemsOf = (manifest: Manifest) => refusalsOf(manifest).map(({ path, message }) => ({ path, message }));

describe('strict schema validation', () => {
  test('accepts every synthesized object', () => {
    for (const { manifests } of standardSynthesis().environments) {
      for (const manifest of manifests) expect(problemsOf(manifest)).toEqual([]);
    }
  });

  test('refuses an unknown field, naming its path', () => {
    const deployment = synthesized('prod', 'Deployment', 'backend');
    deployment.spec.template.spec.containers[0].imagePullPolicyy = 'IfNotPresent';
    expect(problemsOf(deployment)).toEqual([{ path: 'spec.template.spec.containers[0].imagePullPolicyy', message: 'unknown field' }]);
  });

  test('refuses a missing required field', () => {
    const deployment = synthesized('prod', 'Deployment', 'backend');
    delete deployment.spec.selector;
    expect(problemsOf(deployment)).toEqual([{ path: 'spec.selector', message: 'required field is missing' }]);
  });

  test('refuses a value outside an enum the v1.28 API defines', () => {
    const deployment = synthesized('prod', 'Deployment', 'backend');
    deployment.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes';
    deployment.spec.template.spec.securityContext.seccompProfile.type = 'runtime/default';
    expect(problemsOf(deployment)).toMatchSnapshot();
  });

  test('refuses a malformed quantity, label and name', () => {
    const deployment = synthesized('prod', 'Deployment', 'backend');
    deployment.spec.template.spec.containers[0].resources.limits.memory = '1GB';
    deployment.metadata.labels['app.kubernetes.io/version'] = 'release 1.4';
    deployment.metadata.name = 'Backend';
    deployment.spec.template.spec.containers[0].ports[0].name = 'http-port-that-is-too-long';
    expect(problemsOf(deployment).map((p) => p.path)).toEqual([
      'metadata.labels."app.kubernetes.io/version"',
      'metadata.name',
      'spec.template.spec.containers[0].ports[0].name',
      'spec.template.spec.containers[0].resources.limits.memory',
    ]);
  });

  test('refuses a wrong type', () => {
    const hpa = synthesized('prod', 'HorizontalPodAutoscaler', 'backend-hpa');
    hpa.spec.maxReplicas = '10';
    expect(problemsOf(hpa)).toEqual([{ path: 'spec.maxReplicas', message: 'must be integer' }]);
  });

  test('validates custom resources against their CRD, strictly', () => {
    const route = synthesized('prod', 'Route', 'backend');
    route.spec.tls.insecureEdgeTerminationPolicy = 'Always';
    route.spec.tls.certificat = 'x';
    expect(problemsOf(route)).toMatchSnapshot();

    const infisical = synthesized('dev', 'InfisicalSecret', 'backend-secrets');
    infisical.spec.resyncInterval = '60';
    expect(problemsOf(infisical)).toEqual([{ path: 'spec.resyncInterval', message: 'must be integer' }]);
  });

  test('checks the metadata of custom resources, which CRDs do not describe', () => {
    const route = synthesized('prod', 'Route', 'backend');
    route.metadata.labels['not a key'] = 'x';
    route.metadata.nam = 'typo';
    expect(problemsOf(route).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'metadata.nam: unknown field',
      expect.stringMatching(/^metadata\.labels\."not a key": is not a valid key/),
    ]);
  });

  test('refuses a kind that Kubernetes 1.28 and our CRDs do not serve', () => {
    const route = synthesized('prod', 'Route', 'backend');
    route.apiVersion = 'route.openshift.io/v2';
    expect(problemsOf(route)).toEqual([{ path: 'apiVersion', message: expect.stringContaining('no schema for route.openshift.io/v2 Route') }]);
    const ingress = { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'x' } };
    expect(problemsOf(ingress)).toEqual([{ path: 'apiVersion', message: expect.stringContaining('no schema for extensions/v1beta1 Ingress') }]);
  });

  test('validates the ArgoCD instance settings against the argocd-operator CRD kept in crds/', () => {
    const instance = structuredClone(standardSynthesis().delivery.find((m) => m.kind === 'ArgoCD')) as any;
    expect(problemsOf(instance)).toEqual([]);
    instance.spec.resourceTrackingMethods = 'annotation';
    instance.spec.resourceHealthChecks[0].lua = 'return {}';
    expect(problemsOf(instance)).toEqual([
      { path: 'spec.resourceTrackingMethods', message: 'unknown field' },
      { path: 'spec.resourceHealthChecks[0].lua', message: 'unknown field' },
    ]);
  });

  test('reads the schemas where they are, without copies in the project', () => {
    const sources = defaultSchemaSources();
    expect(JSON.parse(readFileSync(sources.kubernetes[0].definitions, 'utf8')).definitions['io.k8s.api.apps.v1.Deployment']).toBeDefined();
    expect(readFileSync(join(sources.crdDirectories[0], 'route.openshift.io_routes.yaml'), 'utf8')).toContain('kind: CustomResourceDefinition');
    expect(defaultSchemaSources({ K8S_SCHEMA_DIRECTORY: '/elsewhere/schemas', CRD_DIRECTORY: '/elsewhere/crds' })).toEqual({
      kubernetes: [
        { version: '1.29', definitions: '/elsewhere/schemas/k8s-v1.29.0-definitions.json' },
        { version: '1.34', definitions: '/elsewhere/schemas/k8s-v1.34.0-definitions.json' },
      ],
      crdDirectories: ['/elsewhere/crds', PROJECT_CRD_DIRECTORY],
    });
  });
});

describe('validation across the supported range', () => {
  test('a field the oldest Kubernetes lacks is refused, naming that version', () => {
    // Lifecycle.stopSignal is new in Kubernetes 1.33: on OpenShift 4.16 the API server would prune it.
    const deployment = synthesized('prod', 'Deployment', 'backend');
    deployment.spec.template.spec.containers[0].lifecycle = { ...deployment.spec.template.spec.containers[0].lifecycle, stopSignal: 'SIGTERM' };
    expect(refusalsOf(deployment)).toEqual([{ path: 'spec.template.spec.containers[0].lifecycle.stopSignal', message: 'unknown field', refusedBy: 'Kubernetes 1.29' }]);
  });

  test('a group-version the newest Kubernetes no longer serves is refused, naming that version', () => {
    const flowSchema = { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema', metadata: { name: 'x' }, spec: { priorityLevelConfiguration: { name: 'workload-low' } } };
    expect(refusalsOf(flowSchema)).toEqual([{ path: 'apiVersion', message: 'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is not served', refusedBy: 'Kubernetes 1.34' }]);
  });

  test('a problem both ends share is reported once, naming both', () => {
    const hpa = synthesized('prod', 'HorizontalPodAutoscaler', 'backend-hpa');
    hpa.spec.maxReplicas = '10';
    expect(refusalsOf(hpa)).toEqual([{ path: 'spec.maxReplicas', message: 'must be integer', refusedBy: 'Kubernetes 1.29 and 1.34' }]);
  });

  test('a custom resource is refused by the CRD file that defines it', () => {
    const route = synthesized('prod', 'Route', 'backend');
    route.spec.tls.certificat = 'x';
    expect(refusalsOf(route)).toEqual([{ path: 'spec.tls.certificat', message: 'unknown field', refusedBy: 'crds-2026/route.openshift.io_routes.yaml' }]);
  });

  test('the collector turns off the NetworkPolicy of current operators, as their CRD knows it', () => {
    const collector = synthesized('prod', 'OpenTelemetryCollector', 'otel-collector');
    expect(collector.spec.networkPolicy).toEqual({ enabled: false });
    expect(refusalsOf(collector)).toEqual([]);
    collector.spec.networkPolicy = { enabled: 'false' };
    expect(refusalsOf(collector)).toEqual([{ path: 'spec.networkPolicy.enabled', message: 'must be boolean', refusedBy: 'crds-2026/opentelemetry.io_opentelemetrycollectors.yaml' }]);
  });

  test("the Route CRD's anyOf: null is no constraint, and the file is read as it is", () => {
    const text = readFileSync(join(defaultSchemaSources().crdDirectories[0], 'route.openshift.io_routes.yaml'), 'utf8');
    expect(text).toMatch(/anyOf: null/);
    const schema: any = { properties: { targetPort: { anyOf: null, allOf: [{ type: 'string' }], 'x-kubernetes-int-or-string': true }, tls: { enum: [null] }, x: { default: null } } };
    withoutNullKeywords(schema);
    expect(schema).toEqual({ properties: { targetPort: { allOf: [{ type: 'string' }], 'x-kubernetes-int-or-string': true }, tls: { enum: [null] }, x: { default: null } } });
    const route = synthesized('prod', 'Route', 'backend');
    expect(refusalsOf(route)).toEqual([]);
  });
});

describe('the cache of compiled validators', () => {
  const { mkdtempSync, cpSync, appendFileSync, readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
  const { tmpdir } = require('node:os') as typeof import('node:os');
  // A built-in kind, OpenShift's Route and an operator's CRD: enough kinds to show the cache at work,
  // few enough to compile in a moment (compiling every kind takes seconds).
  const CACHED_KINDS = ['Deployment', 'Route', 'ExternalSecret'];
  const manifests = () => standardSynthesis().environments.flatMap((e) => e.manifests).filter((m) => CACHED_KINDS.includes(m.kind));

  test('a second validator reuses what the first compiled, and judges exactly the same', () => {
    const root = mkdtempSync(join(tmpdir(), 'validators-'));
    const sources = defaultSchemaSources();
    const first = new SchemaValidator(sources, new DiskValidatorCache(root, sources));
    first.prepare(manifests());
    // One validator per apiVersion and kind (previews' generated keys use ExternalSecret v1 too).
    expect(first.stats).toEqual({ compiled: new Set(manifests().map((m) => `${m.apiVersion}/${m.kind}`)).size, cached: 0 });

    const second = new SchemaValidator(sources, new DiskValidatorCache(root, sources));
    second.prepare(manifests());
    expect(second.stats).toEqual({ compiled: 0, cached: first.stats.compiled });

    const broken = structuredClone(manifests().find((m) => m.kind === 'Deployment')) as any;
    broken.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes';
    broken.spec.replicas = 'two';
    for (const manifest of [...manifests(), broken]) expect(second.validate(manifest)).toEqual(first.validate(manifest));
    expect(second.validate(broken)).not.toEqual([]);
  });

  test('a change to any schema file starts a new cache folder', () => {
    const sources = defaultSchemaSources();
    const crds = mkdtempSync(join(tmpdir(), 'crds-'));
    cpSync(sources.crdDirectories[0], crds, { recursive: true });
    // The digest reads names, sizes and modification times: a copy with the same times is the same input.
    for (const file of readdirSync(crds)) {
      const { atime, mtime } = statSync(join(sources.crdDirectories[0], file));
      utimesSync(join(crds, file), atime, mtime);
    }
    const changed = { ...sources, crdDirectories: [crds, ...sources.crdDirectories.slice(1)] };
    expect(inputsDigest(changed)).toBe(inputsDigest(sources));
    const crd = join(crds, readdirSync(crds).find((f) => f.endsWith('.yaml'))!);
    // Rewritten with the same size (a changed value of the same length): a new modification time.
    writeFileSync(crd, readFileSync(crd, 'utf8').replace('description', 'DESCRIPTION'));
    utimesSync(crd, new Date(), new Date(Date.now() + 5000));
    expect(inputsDigest(changed)).not.toBe(inputsDigest(sources));
    appendFileSync(crd, '\n# changed\n');
    expect(inputsDigest(changed)).not.toBe(inputsDigest(sources));
  });

  test('CO2_VALIDATOR_CACHE=off keeps nothing on disk', () => {
    const cache = defaultValidatorCache(defaultSchemaSources(), { CO2_VALIDATOR_CACHE: 'off' });
    expect(cache.load(['apps/v1/Deployment'])).toBeUndefined();
  });
});
