/**
 * No object stays OutOfSync forever. Every environment syncs with ServerSideApply=true and selfHeal;
 * ArgoCD 2.12 then compares with the structured-merge diff, which does not know what the API server
 * and the operators add to a custom resource (see test/support/structured-merge.ts for the model and
 * its sources). Where such an addition lands in something we own whole, the object differs forever
 * and self-heal re-applies it every few seconds. These tests apply every CRD default and every known
 * operator rewrite to every custom resource we synthesize, and list each field that would differ.
 */
import { readFileSync } from 'node:fs';
import { operatorRewrites } from './support/operator-rewrites';
import { defaultSchemaSources } from '../lib/synth/schema-sources';
import { Manifest } from '../lib/core/manifest';
import { crdSchemas } from './support/crd-schemas';
import { ref } from './support/kubernetes';
import { perpetualDifferences } from './support/structured-merge';
import { standardSynthesis } from './support/synthesis';

const synthesis = standardSynthesis();
const folders: Array<[string, Manifest[]]> = [
  ...synthesis.environments.map(({ environment, manifests }): [string, Manifest[]] => [environment.name, manifests]),
  ['argocd', synthesis.delivery],
];
const kindKey = (m: { apiVersion: string; kind: string }) => `${m.apiVersion}/${m.kind}`;
const schemas = crdSchemas();
const rewrites = new Map(operatorRewrites().map((entry) => [kindKey(entry), entry]));

describe.each(folders)('%s', (_folder, manifests) => {
  const customResources = manifests.filter((m) => schemas.has(kindKey(m)));

  test('no CRD default or operator rewrite lands where our manifest would undo it', () => {
    const perpetual = customResources.flatMap((m) =>
      perpetualDifferences(m as any, schemas.get(kindKey(m))!, rewrites.get(kindKey(m))?.rewrite).map((path) => `${ref(m)}: ${path}`),
    );
    expect(perpetual).toEqual([]);
  });

  test('every custom resource kind states what its operator rewrites (test/support/operator-rewrites.ts)', () => {
    expect([...new Set(customResources.map(kindKey))].filter((kind) => !rewrites.has(kind))).toEqual([]);
  });
});

describe('the model finds what the cluster would keep changing', () => {
  const externalSecret = () => structuredClone(synthesis.environments.flatMap((e) => e.manifests).find((m) => m.kind === 'ExternalSecret')) as any;
  const schemaOf = (m: any) => schemas.get(kindKey(m))!;

  /**
   * The ExternalSecret CRD of v2.9.0 with the remoteRef defaults an older ESO had: 2.3 to 2.6 default
   * conversionStrategy Default, decodingStrategy None, metadataPolicy None and nullBytePolicy Ignore;
   * 2.7 and 2.8 the first three (#6453 dropped nullBytePolicy's); 2.9.0 none (#6798)
   * (external-secrets/external-secrets@v2.6.0, v2.7.0, v2.9.0:config/crds/bases/external-secrets.io_externalsecrets.yaml).
   */
  const withRemoteRefDefaults = (schema: any, defaults: Record<string, string>) => {
    const copy = structuredClone(schema);
    const remoteRef = copy.properties.spec.properties.data.items.properties.remoteRef.properties;
    for (const [field, value] of Object.entries(defaults)) remoteRef[field].default = value;
    return copy;
  };
  const ESO_2_7_DEFAULTS = { conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' };

  test('a default the CRD puts inside an atomic list (ExternalSecret spec.data) is a perpetual difference', () => {
    const secret = externalSecret();
    secret.spec.data = [{ secretKey: 'DB_URL', remoteRef: { key: 'db-url' } }];
    expect(perpetualDifferences(secret, withRemoteRefDefaults(schemaOf(secret), ESO_2_7_DEFAULTS))).toEqual([
      'spec.data[0].remoteRef.conversionStrategy',
      'spec.data[0].remoteRef.decodingStrategy',
      'spec.data[0].remoteRef.metadataPolicy',
    ]);
  });

  test('our ExternalSecrets are no difference from ESO 2.7 on, and are one before it (nullBytePolicy)', () => {
    const secret = externalSecret();
    expect(secret.apiVersion).toBe('external-secrets.io/v1');
    expect(perpetualDifferences(secret, schemaOf(secret))).toEqual([]);
    expect(perpetualDifferences(secret, withRemoteRefDefaults(schemaOf(secret), ESO_2_7_DEFAULTS))).toEqual([]);
    const eso26 = withRemoteRefDefaults(schemaOf(secret), { ...ESO_2_7_DEFAULTS, nullBytePolicy: 'Ignore' });
    expect(perpetualDifferences(secret, eso26)).toEqual(secret.spec.data.map((_: unknown, index: number) => `spec.data[${index}].remoteRef.nullBytePolicy`));
  });

  test('the remoteRef values we write are those current ESO applies when they are omitted', () => {
    // v2.9.0 applies them in code and says so in the CRD: "Defaults to <value> when omitted".
    const remoteRef = schemaOf(externalSecret()).properties.spec.properties.data.items.properties.remoteRef.properties;
    const documented = Object.fromEntries(
      Object.entries(remoteRef)
        .map(([field, schema]: [string, any]) => [field, /Defaults to (\w+)/.exec(schema.description ?? '')?.[1]])
        .filter(([, value]) => value !== undefined),
    );
    expect(documented).toEqual(ESO_2_7_DEFAULTS);
    for (const { remoteRef: written } of externalSecret().spec.data) {
      expect(written).toEqual({ key: expect.any(String), ...documented });
    }
  });

  test('a default in a map, or in a list merged by key, is kept by the merge and is no difference', () => {
    const secret = externalSecret();
    delete secret.spec.target.creationPolicy;
    expect(perpetualDifferences(secret, schemaOf(secret))).toEqual([]);
    const schema = {
      type: 'object',
      properties: {
        items: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' }, mode: { type: 'string', default: 'fast' } } },
        },
      },
    };
    expect(perpetualDifferences({ items: [{ name: 'a' }] }, schema)).toEqual([]);
    expect(perpetualDifferences({ items: [{ name: 'a' }] }, { ...schema, properties: { items: { ...schema.properties.items, 'x-kubernetes-list-type': 'atomic' } } })).toEqual(['items[0].mode']);
    expect(perpetualDifferences({ ref: { name: 'a' } }, { type: 'object', properties: { ref: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { name: { type: 'string' }, kind: { type: 'string', default: 'Secret' } } } } })).toEqual(['ref.kind']);
  });

  test('an operator rewriting a field we declare is a perpetual difference; one adding a label is not', () => {
    const collector = structuredClone(synthesis.environments.flatMap((e) => e.manifests).find((m) => m.kind === 'OpenTelemetryCollector')) as any;
    const rewrite = rewrites.get(kindKey(collector))!.rewrite;
    expect(perpetualDifferences(collector, schemaOf(collector), rewrite)).toEqual([]);
    collector.spec.args = { 'feature-gates': '+exporter.prometheus.UseAttributes' };
    expect(perpetualDifferences(collector, schemaOf(collector), rewrite)).toEqual(['spec.args.feature-gates']);
    delete collector.spec.args;
    delete collector.metadata.labels['app.kubernetes.io/managed-by'];
    expect(perpetualDifferences(collector, schemaOf(collector), rewrite)).toEqual([]);
  });
});

/**
 * Built-in kinds. For them gitops-engine applies the Kubernetes scheme's defaults to both sides before
 * comparing (pkg/diff/diff.go:416-442), so a Go default inside an atomic list (a NetworkPolicy port's
 * protocol, say) is no difference. What structured-merge-diff does need is every key of a list merged
 * by key (`x-kubernetes-list-map-keys`, e.g. a container port's containerPort and protocol): an item
 * without one cannot be merged. We write them all out.
 */
describe.each(folders)('built-in objects of %s', (_folder, manifests) => {
  const definitions = JSON.parse(readFileSync(defaultSchemaSources().kubernetes.at(-1)!.definitions, 'utf8')).definitions as Record<string, any>;
  const byKind = new Map<string, any>();
  for (const definition of Object.values(definitions)) {
    for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) byKind.set(`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`, definition);
  }
  const resolve = (schema: any) => (schema?.$ref ? definitions[schema.$ref.replace('#/definitions/', '')] : schema);

  function missingKeys(value: any, schema: any, path: string): string[] {
    schema = resolve(schema);
    if (!schema || value === null || typeof value !== 'object') return [];
    if (Array.isArray(value)) {
      const keys: string[] = schema['x-kubernetes-list-type'] === 'map' ? schema['x-kubernetes-list-map-keys'] ?? [] : [];
      return value.flatMap((item, index) => [
        ...keys.filter((key) => item?.[key] === undefined).map((key) => `${path}[${index}].${key}`),
        ...missingKeys(item, schema.items, `${path}[${index}]`),
      ]);
    }
    return Object.entries(value).flatMap(([key, item]) => missingKeys(item, schema.properties?.[key] ?? schema.additionalProperties, path ? `${path}.${key}` : key));
  }

  test('every item of a list merged by key carries all its keys', () => {
    const port = { containerPort: 80 };
    expect(missingKeys({ spec: { containers: [{ name: 'c', ports: [port] }] } }, definitions['io.k8s.api.core.v1.PodTemplateSpec'], '')).toEqual(['spec.containers[0].ports[0].protocol']);
    const builtIn = manifests.filter((m) => byKind.has(kindKey(m)));
    expect(builtIn.flatMap((m) => missingKeys(m, byKind.get(kindKey(m)), '').map((path) => `${ref(m)}: ${path}`))).toEqual([]);
  });
});
