import { App, Chart } from 'cdk8s';
import { DELIVERY } from '../../environments/delivery';
import { ENVIRONMENTS, imagesFile, loadProject, PREVIEWS_FILE } from '../../environments';
import { diskFiles, ProjectFiles, withEdits } from '../../lib/config/project-files';
import { formatImageReference, parseImageReference } from '../../lib/config/image';
import { EnvironmentInput } from '../../lib/config/environment';
import { environmentLabels } from '../../lib/core/labels';
import { defaultSchemaValidator, SchemaValidator, synthesizeAll, Synthesis } from '../../lib/synth';
import { Manifest } from '../../lib/synth/manifest';
import { chartManifests, checkManifests } from '../../lib/synth/synthesize';

let validator: SchemaValidator | undefined;
/** One validator per test file: compiling schemas is the slow part, and it is reusable. */
export function sharedValidator(): SchemaValidator {
  return (validator ??= defaultSchemaValidator());
}

let standard: Synthesis | undefined;
/** The environments of environments/ (previews included), synthesized and validated once per test file. */
export function standardSynthesis(): Synthesis {
  return (standard ??= synthesizeAll(loadProject(), sharedValidator()));
}

/**
 * The data files with every application image at the fixed tag `snapshot` (repositories kept): which
 * version runs is data that the build pipeline changes on every deployment (npm run update-manifest),
 * so snapshots of the environments record their structure, not the versions of the day. dist/ and
 * its review (npm run diff) still show the real references.
 */
export function withSnapshotVersions(files: ProjectFiles = diskFiles()): ProjectFiles {
  const fixed = (reference: string) => formatImageReference({ repository: parseImageReference(reference).repository, tag: 'snapshot' });
  const fixAll = (images: Record<string, string>) => Object.fromEntries(Object.entries(images).map(([component, reference]) => [component, fixed(reference)]));
  const edits = new Map<string, string>();
  for (const { name } of ENVIRONMENTS) edits.set(imagesFile(name), JSON.stringify(fixAll(JSON.parse(files.read(imagesFile(name))))));
  const previews = JSON.parse(files.read(PREVIEWS_FILE)) as { images?: Record<string, string> }[];
  edits.set(PREVIEWS_FILE, JSON.stringify(previews.map((entry) => (entry.images ? { ...entry, images: fixAll(entry.images) } : entry))));
  return withEdits(files, edits);
}

let snapshot: Synthesis | undefined;
/** The environments of environments/ as standardSynthesis, with the images of withSnapshotVersions: what snapshots record. */
export function snapshotSynthesis(): Synthesis {
  return (snapshot ??= synthesizeAll(loadProject(withSnapshotVersions()), sharedValidator()));
}

/** A fresh synthesis of the same project, for determinism checks. */
export function synthesizeProjectAgain(): Synthesis {
  return synthesizeAll(loadProject(), sharedValidator());
}

export function synthesize(environments: readonly EnvironmentInput[]): Synthesis {
  return synthesizeAll({ environments, delivery: DELIVERY }, sharedValidator());
}

/** A chart for testing one construct, with the labels and namespace a real environment gives. */
export function testChart(): Chart {
  return new Chart(new App(), 'test', {
    namespace: 'co2-calculator-test',
    labels: environmentLabels('co2-calculator-test'),
    disableResourceNameHashes: true,
  });
}

/** The chart's objects, after checking that every one is valid against its schema. */
export function validManifests(chart: Chart): Manifest[] {
  const manifests = chartManifests(chart);
  expect(checkManifests('test', manifests, sharedValidator())).toEqual([]);
  return manifests;
}

export function find(manifests: readonly Manifest[], kind: string, name?: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
}

/** A valid environment to derive bad ones from. */
export function baseEnvironment(overrides: Record<string, unknown> = {}): EnvironmentInput {
  return {
    name: 'test',
    host: 'co2-calculator-test.epfl.ch',
    appEnvironment: 'development',
    images: {
      frontend: 'quay-its.epfl.ch/svc1751/co2-calculator-frontend:1.0.0',
      backend: 'quay-its.epfl.ch/svc1751/co2-calculator-backend:1.0.0',
      docs: 'quay-its.epfl.ch/svc1751/co2-calculator-docs:1.0.0',
    },
    secrets: { strategy: 'existing' },
    database: { mode: 'managed', serverMajorVersion: 15 },
    observability: {
      grafana: { instanceSelector: { dashboards: 'test' } },
      alerting: { smarthost: 'mail.example.org:587', from: 'alerts@example.org', critical: ['oncall@example.org'], warning: ['team@example.org'] },
    },
    backup: { storageSize: '1Gi' },
    ...overrides,
  } as EnvironmentInput;
}
