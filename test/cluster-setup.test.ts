/**
 * The cluster setup (dist/cluster-setup/): its ValidatingAdmissionPolicies are valid Kubernetes 1.30
 * and 1.34 objects, bound to the application namespaces, and their CEL expressions, evaluated by
 * @marcbachmann/cel-js as the API server would (variables `object`, all validations must be true),
 * admit what we emit and refuse cross-namespace references and foreign Namespaces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../lib/core/repo-root';
import { Manifest } from '../lib/core/manifest';
import { SchemaValidator } from '../lib/synth/schema-validator';
import { sharedReferenceData } from '../lib/synth/schema-sources';
import { evaluateCel } from './support/cel';
import { standardSynthesis } from './support/synthesis';

const DIST = join(REPO_ROOT, 'dist');
const read = (folder: string) =>
  readdirSync(join(DIST, folder))
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(join(DIST, folder, file), 'utf8')).map((document) => document.toJS()));
const setup = read('cluster-setup');
const policy = (name: string) => setup.find((m) => m.kind === 'ValidatingAdmissionPolicy' && m.metadata.name === name);
const binding = (name: string) => setup.find((m) => m.kind === 'ValidatingAdmissionPolicyBinding' && m.spec.policyName === name);
const synthesis = standardSynthesis();

/** What the API server decides for one object: not matched, admitted, or refused with the failing validations' messages. */
function admission(vap: any, objects: readonly any[]): Array<'not matched' | 'admitted' | string[]> {
  const conditions: string[] = (vap.spec.matchConditions ?? []).map((c: any) => c.expression);
  const validations: Array<{ expression: string; message: string }> = vap.spec.validations;
  const cases = objects.flatMap((object) => [...conditions, ...validations.map((v) => v.expression)].map((expression) => ({ expression, variables: { object } })));
  const results = evaluateCel(cases);
  const width = conditions.length + validations.length;
  return objects.map((_, index) => {
    const mine = results.slice(index * width, (index + 1) * width);
    const matched = mine.slice(0, conditions.length).map((r) => {
      if ('error' in r) throw new Error(`CEL error in a match condition: ${r.error}`);
      return r.value;
    });
    // Validations run only on a matched object; an error in one refuses it (failurePolicy: Fail).
    if (matched.some((value) => value !== true)) return 'not matched';
    const failed = validations.flatMap((v, i) => {
      const r = mine[conditions.length + i];
      return 'error' in r ? [`error: ${r.error}`] : r.value === true ? [] : [v.message];
    });
    return failed.length === 0 ? 'admitted' : failed;
  });
}

describe.each(['1.30', '1.34'])('against the Kubernetes %s schemas', (version) => {
  const validator = new SchemaValidator({ kubernetes: [{ version, definitions: join(sharedReferenceData().schemaDirectory, `k8s-v${version}.0-definitions.json`) }], crdDirectories: [] });
  test.each(setup.map((m) => [`${m.kind}/${m.metadata.name}`, m]))('%s is valid', (_name, manifest) => {
    expect(validator.validate(manifest as Manifest)).toEqual([]);
  });
});

test('the cluster setup is three policies, each bound with Deny, and cluster-scoped', () => {
  expect(setup.map((m) => `${m.apiVersion} ${m.kind}/${m.metadata.name}`).sort()).toEqual([
    'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy/co2-calculator-namespace-references',
    'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy/co2-calculator-preview-namespaces',
    'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy/co2-calculator-preview-store',
    'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding/co2-calculator-namespace-references',
    'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding/co2-calculator-preview-namespaces',
    'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding/co2-calculator-preview-store',
  ]);
  for (const m of setup) expect(m.metadata.namespace).toBeUndefined();
  for (const m of setup.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding')) expect(m.spec.validationActions).toEqual(['Deny']);
});

describe('co2-calculator-namespace-references', () => {
  const vap = policy('co2-calculator-namespace-references');
  const ours = synthesis.environments.filter(({ environment }) => environment.platform.name === 'openshift');

  test('binds to the namespace of every OpenShift environment, previews included, and no other', () => {
    const [expression] = binding(vap.metadata.name).spec.matchResources.namespaceSelector.matchExpressions;
    expect(expression).toMatchObject({ key: 'kubernetes.io/metadata.name', operator: 'In' });
    expect(expression.values).toEqual(ours.map(({ environment }) => environment.namespace).sort());
  });

  test('admits every InfisicalSecret we emit', () => {
    const secrets = ours.flatMap(({ manifests }) => manifests).filter((m) => m.kind === 'InfisicalSecret');
    expect(secrets.length).toBeGreaterThan(0);
    expect(admission(vap, secrets)).toEqual(secrets.map(() => 'admitted'));
  });

  // Every field of the CRD that names a namespace, found by walking its schema (not from the policy's own list).
  const crd = parse(readFileSync(join(sharedReferenceData().crdDirectory, 'secrets.infisical.com_infisicalsecrets.yaml'), 'utf8')) as any;
  const fields: Array<{ path: string[]; list: string | undefined }> = [];
  const walk = (node: any, path: string[], list: string | undefined) => {
    for (const [key, child] of Object.entries<any>(node?.properties ?? {})) {
      if (/[nN]amespace$/.test(key) && child.type === 'string') fields.push({ path: [...path, key], list });
      if (child.type === 'array') walk(child.items, [...path, key], list ?? [...path, key].join('.'));
      else walk(child, [...path, key], list);
    }
  };
  walk(crd.spec.versions[0].schema.openAPIV3Schema.properties.spec, [], undefined);
  /** An InfisicalSecret in dev with one field set: lists get one item. */
  const withField = ({ path }: { path: string[] }, value: string) => {
    const object: any = { apiVersion: 'secrets.infisical.com/v1alpha1', kind: 'InfisicalSecret', metadata: { name: 'x', namespace: 'co2-calculator-dev' }, spec: {} };
    let node = object.spec;
    for (const [index, key] of path.slice(0, -1).entries()) {
      const next = node[key] ?? {};
      const isList = crdNodeIsArray(path.slice(0, index + 1));
      node[key] = isList ? [next] : next;
      node = next;
    }
    node[path[path.length - 1]] = value;
    return object;
  };
  const crdNodeIsArray = (path: string[]) => {
    let node = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    for (const key of path) node = node.properties[key].type === 'array' ? node.properties[key].items : node.properties[key];
    return path.length > 0 && ((): boolean => {
      let parent = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
      for (const key of path.slice(0, -1)) parent = parent.properties[key].type === 'array' ? parent.properties[key].items : parent.properties[key];
      return parent.properties[path[path.length - 1]].type === 'array';
    })();
  };

  test('the CRD has the namespace fields the operator honours', () => {
    expect(fields.map(({ path }) => path.join('.'))).toEqual(
      expect.arrayContaining(['managedKubeSecretReferences.secretNamespace', 'authentication.universalAuth.credentialsRef.secretNamespace']),
    );
    expect(fields.length).toBeGreaterThanOrEqual(10);
  });

  test('refuses each of them naming another namespace, and admits each naming its own', () => {
    const refused = admission(vap, fields.map((field) => withField(field, 'co2-calculator-prod')));
    expect(fields.filter((_f, i) => !Array.isArray(refused[i])).map(({ path }) => path.join('.'))).toEqual([]);
    for (const [i, { path }] of fields.entries()) expect((refused[i] as string[]).join()).toContain(path[path.length - 1]);
    expect(admission(vap, fields.map((field) => withField(field, 'co2-calculator-dev')))).toEqual(fields.map(() => 'admitted'));
  });

  test('refuses one foreign item among own ones in a list', () => {
    const dev = ours.find(({ environment }) => environment.name === 'dev')!.manifests.find((m) => m.kind === 'InfisicalSecret') as any;
    const items = dev.spec.managedKubeSecretReferences;
    const stray = { ...dev, spec: { ...dev.spec, managedKubeSecretReferences: [...items, { ...items[0], secretName: 'backend-secrets', secretNamespace: 'co2-calculator-prod' }] } };
    expect(admission(vap, [stray])).toEqual([["spec.managedKubeSecretReferences[].secretNamespace must name the InfisicalSecret's own namespace"]]);
  });
});

describe('co2-calculator-preview-namespaces', () => {
  const vap = policy('co2-calculator-preview-namespaces');
  const tracked = (name: string, trackingId?: string, labels: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels, ...(trackingId ? { annotations: { 'argocd.argoproj.io/tracking-id': trackingId } } : {}) },
  });
  const preview = 'co2-calculator-preview-sso-login';

  test('binds to every Namespace', () => {
    expect(binding(vap.metadata.name).spec.matchResources).toBeUndefined();
  });

  test.each([
    // Argo CD writes `<app>:<group>/<kind>:<namespace>/<name>`; for a cluster-scoped object the namespace part may be empty or the destination.
    ['its own Namespace, as Argo CD tracks it', tracked(preview, `${preview}:/Namespace:/${preview}`), 'admitted'],
    ['its own Namespace, tracked with the destination namespace', tracked(preview, `${preview}:/Namespace:${preview}/${preview}`), 'admitted'],
    ["prod's Namespace adopted by a preview", tracked('co2-calculator-prod', `${preview}:/Namespace:/co2-calculator-prod`), 'refused'],
    ["another preview's Namespace", tracked('co2-calculator-preview-emission-factors-2026', `${preview}:/Namespace:/co2-calculator-preview-emission-factors-2026`), 'refused'],
    ['a new Namespace named after the preview', tracked(`${preview}-x`, `${preview}:/Namespace:/${preview}-x`), 'refused'],
    ['kube-system', tracked('kube-system', `${preview}:/Namespace:/kube-system`), 'refused'],
    ["prod's Namespace tracked by prod's Application", tracked('co2-calculator-prod', 'co2-calculator-prod:/Namespace:/co2-calculator-prod'), 'not matched'],
    ['a Namespace Argo CD does not track', tracked('co2-calculator-prod'), 'not matched'],
  ])('%s: %s', (_case, object, expected) => {
    const [result] = admission(vap, [object]);
    expect(Array.isArray(result) ? 'refused' : result).toBe(expected);
  });
});

describe('co2-calculator-preview-store', () => {
  const vap = policy('co2-calculator-preview-store');
  const store = (name: string, conditions?: unknown[]) => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name },
    spec: { provider: { fake: { data: [] } }, ...(conditions ? { conditions } : {}) },
  });
  const previewStores = synthesis.environments
    .flatMap(({ manifests }) => manifests)
    .filter((m: any) => m.kind === 'ExternalSecret' && m.spec.secretStoreRef?.kind === 'ClusterSecretStore')
    .map((m: any) => m.spec.secretStoreRef.name);

  test('guards the store the previews read, bound to every ClusterSecretStore', () => {
    expect(previewStores.length).toBeGreaterThan(0);
    expect(vap.spec.matchConditions[0].expression).toBe(`object.metadata.name == '${previewStores[0]}'`);
    expect(new Set(previewStores).size).toBe(1);
    expect(binding(vap.metadata.name).spec.matchResources).toBeUndefined();
  });

  const name = 'co2-calculator-previews';
  test.each([
    ['the documented conditions', store(name, [{ namespaceRegexes: ['^co2-calculator-preview-'] }]), 'admitted'],
    ['preview namespaces by name and an anchored regex', store(name, [{ namespaces: ['co2-calculator-preview-sso-login'] }, { namespaceRegexes: ['^co2-calculator-preview-[a-z0-9-]+$'] }]), 'admitted'],
    ['no conditions (ESO then serves every namespace)', store(name), 'refused'],
    ['an empty list of conditions', store(name, []), 'refused'],
    ['prod by name', store(name, [{ namespaces: ['co2-calculator-preview-x', 'co2-calculator-prod'] }]), 'refused'],
    ['an unanchored regex (ESO matches anywhere in the name)', store(name, [{ namespaceRegexes: ['co2-calculator-preview-'] }]), 'refused'],
    ['an alternation after the prefix', store(name, [{ namespaceRegexes: ['^co2-calculator-preview-|prod'] }]), 'refused'],
    ['a label selector', store(name, [{ namespaceSelector: { matchLabels: { preview: 'true' } } }]), 'refused'],
    ['another ClusterSecretStore', store('someone-elses-store'), 'not matched'],
  ])('%s: %s', (_case, object, expected) => {
    const [result] = admission(vap, [object]);
    expect(Array.isArray(result) ? 'refused' : result).toBe(expected);
  });
});
