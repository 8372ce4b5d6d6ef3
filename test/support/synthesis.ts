/**
 * What the test files share: the synthesized project, a schema validator, and charts to test one
 * construct in. Heavy modules (the whole chart, the delivery chart, the report, Ajv's validators) are
 * loaded only by the functions that need them: most test files use one or two of these helpers, and
 * loading everything in each of them was most of the suite's time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Chart } from 'cdk8s';
import type { EnvironmentInput } from '../../lib/config/environment';
import type { ProjectFiles } from '../../lib/config/project-files';
import type { SchemaValidator, Synthesis } from '../../lib/synth';
import type { Manifest } from '../../lib/core/manifest';

const synth = () => require('../../lib/synth') as typeof import('../../lib/synth');
const environments = () => require('../../environments') as typeof import('../../environments');
const projectFiles = () => require('../../lib/config/project-files') as typeof import('../../lib/config/project-files');

let validator: SchemaValidator | undefined;
/** One validator per test file: compiling schemas is the slow part, and it is reusable. */
export function sharedValidator(): SchemaValidator {
  return (validator ??= (require('../../lib/synth/schema-validator') as typeof import('../../lib/synth/schema-validator')).defaultSchemaValidator());
}

const shared = new Map<'standard' | 'snapshot', Synthesis>();

/**
 * The environments of environments/ (previews included), synthesized and validated once per test run:
 * by test/support/global-setup.ts, into the folder it names in CO2_TEST_SYNTHESES (a file run without
 * the setup synthesizes it itself).
 */
export function standardSynthesis(): Synthesis {
  let synthesis = shared.get('standard');
  if (!synthesis) {
    const file = process.env.CO2_TEST_SYNTHESES && join(process.env.CO2_TEST_SYNTHESES, 'standard.json');
    const { parseSynthesis } = require('../../lib/synth/serialize') as typeof import('../../lib/synth/serialize');
    synthesis = file && existsSync(file) ? parseSynthesis(readFileSync(file, 'utf8')) : synth().synthesizeAll(environments().loadProject(), sharedValidator());
    shared.set('standard', synthesis);
  }
  return synthesis;
}
/**
 * The data files with every application image at the fixed tag `snapshot` (repositories kept): which
 * version runs is data that the build pipeline changes on every deployment (npm run update-manifest),
 * so snapshots of the environments record their structure, not the versions of the day. dist/ and
 * its review (npm run diff) still show the real references.
 */
export function withSnapshotVersions(files: ProjectFiles = projectFiles().diskFiles()): ProjectFiles {
  const { formatImageReference, parseImageReference } = require('../../lib/core/image') as typeof import('../../lib/core/image');
  const { ENVIRONMENTS, imagesFile, PREVIEWS_FILE } = environments();
  const fixed = (reference: string) => formatImageReference({ repository: parseImageReference(reference).repository, tag: 'snapshot' });
  const fixAll = (images: Record<string, string>) => Object.fromEntries(Object.entries(images).map(([component, reference]) => [component, fixed(reference)]));
  const edits = new Map<string, string>();
  for (const { name } of ENVIRONMENTS) edits.set(imagesFile(name), JSON.stringify(fixAll(JSON.parse(files.read(imagesFile(name))))));
  const previews = JSON.parse(files.read(PREVIEWS_FILE)) as { images?: Record<string, string> }[];
  edits.set(PREVIEWS_FILE, JSON.stringify(previews.map((entry) => (entry.images ? { ...entry, images: fixAll(entry.images) } : entry))));
  return projectFiles().withEdits(files, edits);
}

/** The environments of environments/ as standardSynthesis, with the images of withSnapshotVersions: what snapshots record. */
export function snapshotSynthesis(): Synthesis {
  let synthesis = shared.get('snapshot');
  if (!synthesis) {
    synthesis = synth().synthesizeAll(environments().loadProject(withSnapshotVersions()), sharedValidator());
    shared.set('snapshot', synthesis);
  }
  return synthesis;
}

/** A fresh synthesis of the same project, for determinism checks. */
export function synthesizeProjectAgain(): Synthesis {
  return synth().synthesizeAll(environments().loadProject(), sharedValidator());
}

export function synthesize(inputs: readonly EnvironmentInput[]): Synthesis {
  const { DELIVERY } = require('../../environments/delivery') as typeof import('../../environments/delivery');
  return synth().synthesizeAll({ environments: inputs, delivery: DELIVERY }, sharedValidator());
}

/** A chart for testing one construct, with the labels and namespace a real environment gives. */
export function testChart(): Chart {
  const { App, Chart } = require('cdk8s') as typeof import('cdk8s');
  const { environmentLabels } = require('../../lib/core/labels') as typeof import('../../lib/core/labels');
  return new Chart(new App(), 'test', {
    namespace: 'co2-calculator-test',
    labels: environmentLabels('co2-calculator-test'),
    disableResourceNameHashes: true,
  });
}

/** The chart's objects, after checking that every one is valid against its schema. */
export function validManifests(chart: Chart): Manifest[] {
  const { chartManifests, checkManifests } = require('../../lib/synth/synthesize') as typeof import('../../lib/synth/synthesize');
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
    database: { mode: 'managed', serverMajorVersion: 15, tls: { caConfigMap: { name: 'database-ca' } } },
    observability: {
      grafana: { instanceSelector: { dashboards: 'test' } },
      alerting: { smarthost: 'mail.example.org:587', from: 'alerts@example.org', critical: ['oncall@example.org'], warning: ['team@example.org'] },
    },
    backup: { storageSize: '1Gi' },
    ...overrides,
  } as EnvironmentInput;
}
