/**
 * Bad input, tried as a hostile or hurried user would: every case states its input, the exit status,
 * the message it must print, and that environments/ and dist/ are byte for byte what they were. Each
 * case runs the real command (in-process, on a scratch copy of the repository's data and dist/), so the
 * whole path is exercised: argument parsing, loading the data files, validation, synthesis, writing.
 * test/integration/cli.test.ts runs a few of them as real processes, to show the wiring prints no stack
 * trace either.
 *
 * Categories (issue "the tool never loses or half-writes anything"): data files, cross-environment
 * rules (hosts, names, namespaces), values the API server or the application would reject, previews
 * (registries, secrets), the command line, the output folder, the reference data, internal errors.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { imagesFile, loadProject, PREVIEWS_FILE } from '../../environments';
import { Command, runCommand } from '../../lib/cli/context';
import { diffCommand } from '../../lib/cli/diff-command';
import { setImageCommand } from '../../lib/cli/set-image-command';
import { updateManifestCommand } from '../../lib/cli/update-manifest-command';
import { promoteCommand, rollbackCommand } from '../../lib/cli/promote-command';
import { whereCommand } from '../../lib/cli/where-command';
import { PIPELINE } from '../../environments/pipeline';
import { synthCommand } from '../../lib/cli/synth-command';
import { REPO_ROOT } from '../../lib/core/repo-root';
import { sharedReferenceData } from '../../lib/synth/schema-sources';
import { STAMP_FILE } from '../../lib/synth/input-stamp';
import { ProjectFiles } from '../../lib/config/project-files';
import { ProjectConfig } from '../../lib/synth';
import { copyEnvironment, copyRepository } from '../integration/support/repository-copy';

type Environments = Array<Record<string, any>>;

interface BadInput {
  readonly command?: Command;
  readonly argv?: readonly string[];
  /** Data files of the scratch repository to overwrite (path relative to it -> content). */
  readonly files?: Record<string, string>;
  /** Changes to the project as environments/*.ts define it (what a developer would edit). */
  readonly project?: (project: ProjectConfig & { environments: Environments }) => void;
  /** Environment variables of the run, given a folder of the case's own (also `<scratch>` in argv). */
  readonly env?: (folder: string) => NodeJS.ProcessEnv;
  /** Prepares the case's own folder (e.g. a folder for --out). */
  readonly prepare?: (folder: string) => void;
  readonly exitCode: number;
  /** What the `error:` line must say. */
  readonly message: string | RegExp;
}

const environmentNamed = (project: { environments: Environments }, name: string) => project.environments.find((environment) => environment.name === name)!;
/** A CRD folder whose Route CRD is cut short: the first schema looked up reads it. */
const corruptCrds = (scratch: string) => {
  const folder = join(scratch, 'crds');
  mkdirSync(folder);
  writeFileSync(join(folder, 'route.openshift.io_routes.yaml'), 'spec: [unclosed\n');
  return folder;
};

/** npm run update-manifest, for the pipeline of environments/pipeline.ts. */
const updateManifest = updateManifestCommand(PIPELINE);
const promote = promoteCommand(PIPELINE);
/** Writes `event.json` into the case's folder: the dev dispatch of the pipeline's v3.0.7, changed by `edit`. */
const dispatch = (edit: (payload: any) => void) => (folder: string) => {
  const event = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'delivery', 'dispatch-events', 'v3.0.7-dev.json'), 'utf8'));
  edit(event.client_payload);
  writeFileSync(join(folder, 'event.json'), JSON.stringify(event));
};

/** The prod (release) dispatch of v3.0.7, changed by `edit`. */
const releaseDispatch = (edit: (event: any) => void) => (folder: string) => {
  const event = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'delivery', 'dispatch-events', 'v3.0.7-prod.json'), 'utf8'));
  edit(event);
  writeFileSync(join(folder, 'event.json'), JSON.stringify(event));
};
/** environments/images/staging.json after the release's commit ran there with the release's digests. */
const stagingRanTheRelease = (() => {
  const { client_payload: payload } = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'delivery', 'dispatch-events', 'v3.0.7-prod.json'), 'utf8'));
  const ran = Object.fromEntries(payload.images.map((image: any) => [image.name.split('/').pop(), `${image.name}:${payload.source_sha}@${image.digest}`]));
  return { [imagesFile('staging')]: `${JSON.stringify(ran, null, 2)}\n` };
})();
const release = (edit: (event: any) => void): Partial<BadInput> => ({ command: updateManifest, argv: ['--event', '<scratch>/event.json'], files: stagingRanTheRelease, prepare: releaseDispatch(edit) });

const CASES: Record<string, BadInput> = {
  // Data files that automation and people edit.
  'an images file with a trailing comma': {
    files: { [imagesFile('dev')]: '{\n  "frontend": "quay-its.epfl.ch/svc1751/frontend:1",\n}\n' },
    exitCode: 1,
    message: /^environments\/images\/dev\.json:3:1: not valid JSON: /,
  },
  'an empty images file': { files: { [imagesFile('prod')]: '' }, exitCode: 1, message: 'environments/images/prod.json:1:1: not valid JSON: the file ends before the JSON value does' },
  'an images file that is a list': { files: { [imagesFile('staging')]: '[]\n' }, exitCode: 1, message: 'environment "staging": images: ' },
  'an images file naming an unknown component': {
    files: { [imagesFile('staging')]: JSON.stringify({ ...JSON.parse(readFileSync(join(REPO_ROOT, imagesFile('staging')), 'utf8')), worker: 'quay-its.epfl.ch/svc1751/worker:1' }) },
    exitCode: 1,
    message: 'environment "staging": images: unknown field "worker"',
  },
  'a backup image from a registry the environment does not trust': {
    project: (p) => (environmentNamed(p, 'prod').backup.image = 'docker.io/someone/postgres:17.11@sha256:' + 'a'.repeat(64)),
    exitCode: 1,
    message: `environment "prod": backup.image: "docker.io/someone/postgres:17.11@sha256:${'a'.repeat(64)}" is not from a trusted registry (trustedRegistries: `,
  },
  'an empty list of trusted registries': { project: (p) => (environmentNamed(p, 'dev').trustedRegistries = []), exitCode: 1, message: 'environment "dev": trustedRegistries: needs at least one registry' },
  'a corrupt preview list': { files: { [PREVIEWS_FILE]: '[{"name": "a"}\n' }, exitCode: 1, message: /^environments\/previews\.json:2:1: not valid JSON/ },
  'a preview list that is not a list': {
    files: { [PREVIEWS_FILE]: '{"name": "a"}\n' },
    exitCode: 1,
    message: 'environments/previews.json: must be a JSON list of previews such as [{ "name": "sso-login" }], not an object',
  },
  'a preview list given on the command line that does not exist': { argv: ['--previews', 'no-such-file.json'], exitCode: 1, message: 'no-such-file.json: cannot read it: no such file or folder' },

  // Rules across environments.
  'a preview named like dev, taking its host': { files: { [PREVIEWS_FILE]: '[{"name": "dev"}]' }, exitCode: 1, message: 'environment "preview-dev": host: "co2-calculator-dev.epfl.ch" is already the host of environment "dev"; choose another preview name' },
  'a preview named stage, taking staging\'s host': { files: { [PREVIEWS_FILE]: '[{"name": "stage"}]' }, exitCode: 1, message: 'environment "preview-stage": host: "co2-calculator-stage.epfl.ch" is already the host of environment "staging"' },
  'a preview named prod': { files: { [PREVIEWS_FILE]: '[{"name": "prod"}]' }, exitCode: 1, message: 'environment "preview-prod": name: "prod" is reserved (the name of environment "prod"); choose another preview name' },
  'staging given prod\'s host': {
    project: (p) => (environmentNamed(p, 'staging').host = 'co2-calculator.epfl.ch'),
    exitCode: 1,
    message: 'environment "prod": host: "co2-calculator.epfl.ch" is already the host of environment "staging"',
  },
  'an environment in the default namespace': { project: (p) => (environmentNamed(p, 'dev').namespace = 'default'), exitCode: 1, message: 'environment "dev": namespace: "default" is the cluster\'s default namespace' },
  'an environment in kube-system': { project: (p) => (environmentNamed(p, 'dev').namespace = 'kube-system'), exitCode: 1, message: 'environment "dev": namespace: "kube-system" is a Kubernetes system namespace' },
  'an environment in an OpenShift namespace': { project: (p) => (environmentNamed(p, 'prod').namespace = 'openshift-monitoring'), exitCode: 1, message: 'environment "prod": namespace: "openshift-monitoring" is an OpenShift system namespace' },
  'an environment in ArgoCD\'s namespace': {
    project: (p) => {
      (p.delivery as any).namespacePattern = '.*';
      environmentNamed(p, 'prod').namespace = 'co2-argocd';
      (p.delivery as any).argocdNamespace = 'co2-argocd';
    },
    exitCode: 1,
    message: 'environment "prod": namespace: "co2-argocd" is ArgoCD\'s own namespace',
  },
  'an environment in another team\'s namespace': { project: (p) => (environmentNamed(p, 'staging').namespace = 'payroll-prod'), exitCode: 1, message: 'environment "staging": namespace: "payroll-prod" is not one of this project\'s namespaces' },
  'two environments in one namespace': { project: (p) => (environmentNamed(p, 'staging').namespace = 'co2-calculator-prod'), exitCode: 1, message: 'namespace: "co2-calculator-prod" is already used by environment' },
  'a standard environment named like a preview': { project: (p) => (environmentNamed(p, 'staging').name = 'preview-x'), exitCode: 1, message: 'environment "preview-x": name: "preview-x" starts with "preview-"' },
  'an environment named argocd': { project: (p) => Object.assign(environmentNamed(p, 'staging'), { name: 'argocd', namespace: 'co2-calculator-argocd' }), exitCode: 1, message: 'environment "argocd": name: "argocd" is reserved for the ArgoCD objects' },
  'an environment named cluster-setup': { project: (p) => Object.assign(environmentNamed(p, 'staging'), { name: 'cluster-setup', namespace: 'co2-calculator-cluster-setup' }), exitCode: 1, message: 'environment "cluster-setup": name: "cluster-setup" is reserved for the cluster setup (dist/cluster-setup/)' },

  // Values the API server, the CronJob controller or pg_dump would reject later.
  'a backup at minute 61 of hour 25': { project: (p) => (environmentNamed(p, 'prod').backup.schedule = '61 25 * * *'), exitCode: 1, message: 'environment "prod": backup.schedule: minute 61 is out of range (0-59)' },
  'a backup on day of week 7': { project: (p) => (environmentNamed(p, 'prod').backup.schedule = '0 1 * * 7'), exitCode: 1, message: 'environment "prod": backup.schedule: day of week 7 is out of range (0-6)' },
  'a time zone that does not exist': { project: (p) => (environmentNamed(p, 'prod').backup.timeZone = 'Europe/Atlantis'), exitCode: 1, message: 'environment "prod": backup.timeZone: "Europe/Atlantis" is not an IANA time zone' },
  'a negative CPU request': {
    project: (p) => (environmentNamed(p, 'dev').backend.resources.requests.cpu = '-100m'),
    exitCode: 1,
    message: 'environment "dev": backend.resources.requests.cpu: "-100m" is negative',
  },
  'an egress destination that is not a CIDR': {
    project: (p) => (environmentNamed(p, 'prod').egress = { s3: { to: ['10.20.0.0/33'] } }),
    exitCode: 1,
    message: 'environment "prod": egress.s3.to.0: "10.20.0.0/33" is not an IPv4 CIDR such as 10.0.0.0/8',
  },
  'an egress destination inside the pod network': {
    project: (p) => (environmentNamed(p, 'prod').egress = { s3: { to: ['10.128.4.0/24'] } }),
    exitCode: 1,
    message: 'environment "prod": egress.s3.to.0: 10.128.4.0/24 overlaps the cluster network 10.128.0.0/14',
  },
  'a backup volume of zero bytes': { project: (p) => (environmentNamed(p, 'staging').backup.storageSize = '0'), exitCode: 1, message: 'environment "staging": backup.storageSize: must be more than 0' },
  'an SMTP port above 65535': {
    project: (p) => (environmentNamed(p, 'prod').observability.alerting = { ...environmentNamed(p, 'prod').observability.alerting, smarthost: 'mail.epfl.ch:70000' }),
    exitCode: 1,
    message: 'environment "prod": observability.alerting.smarthost: the port must be from 1 to 65535',
  },
  'a backup client older than the server': {
    project: (p) => (environmentNamed(p, 'prod').backup.image = 'docker.io/library/postgres:14.10'),
    exitCode: 1,
    message: 'environment "prod": backup.image: the image "docker.io/library/postgres:14.10" has pg_dump 14, older than the server\'s PostgreSQL 15',
  },
  'a time zone in the wrong case': { project: (p) => (environmentNamed(p, 'prod').backup.timeZone = 'europe/zurich'), exitCode: 1, message: 'environment "prod": backup.timeZone: "europe/zurich" is not an IANA time zone such as "Europe/Zurich" (the case matters' },
  'a host that is an IP address': { project: (p) => (environmentNamed(p, 'staging').host = '10.1.2.3'), exitCode: 1, message: 'environment "staging": host: "10.1.2.3" is an IP address; a Route or Ingress host must be a DNS name' },
  'a gateway class that is not a DNS subdomain': { project: (p) => (environmentNamed(p, 'local').platform.gateway.className = 'Envoy_Public'), exitCode: 1, message: 'environment "local": platform.gateway.className: must be a DNS-1123 subdomain' },
  'a gateway controller the project has no policy for': { project: (p) => (environmentNamed(p, 'local').platform.gateway.controller = 'ingress-nginx'), exitCode: 1, message: /^environment "local": platform\.gateway\.controller: .*envoy-gateway/ },
  'a route label key whose prefix is over 253 characters': {
    project: (p) => (environmentNamed(p, 'prod').platform = { name: 'openshift', routeLabels: { frontend: { [`${'a'.repeat(254)}/route`]: 'public' } } }),
    exitCode: 1,
    message: /^environment "prod": platform\.routeLabels\.frontend\.a{254}\/route: the prefix is 254 characters, more than the 253 of a DNS-1123 subdomain/,
  },
  'a route label value over 63 characters': {
    project: (p) => (environmentNamed(p, 'prod').platform = { name: 'openshift', routeLabels: { frontend: { route: 'p'.repeat(64) } } }),
    exitCode: 1,
    message: 'environment "prod": platform.routeLabels.frontend.route: is 64 characters, more than the 63 of a label value',
  },
  'a target revision that is not a git ref': { project: (p) => (environmentNamed(p, 'prod').delivery.targetRevision = 'release..1'), exitCode: 1, message: 'environment "prod": delivery.targetRevision: must not contain ".."' },
  'a target revision with a space': { project: (p) => (environmentNamed(p, 'dev').delivery.targetRevision = 'my branch'), exitCode: 1, message: 'environment "dev": delivery.targetRevision: must not contain spaces' },
  'an environment name so long that its instance label (and namespace) would overflow': {
    project: (p) => Object.assign(environmentNamed(p, 'staging'), { name: 's'.repeat(49), namespace: 'co2-calculator-s' }),
    exitCode: 1,
    message: `environment "${'s'.repeat(49)}": name: "${'s'.repeat(49)}" is 49 characters: the label app.kubernetes.io/instance "co2-calculator-${'s'.repeat(49)}" would be 64, more than the 63 of a label value`,
  },
  'more minimum replicas than maximum': { project: (p) => (environmentNamed(p, 'prod').backend.replicas = { min: 5, max: 3 }), exitCode: 1, message: 'environment "prod": backend.replicas.min: 5 is above max (3)' },
  'a misspelt field': { project: (p) => (environmentNamed(p, 'prod').replica = 3), exitCode: 1, message: 'environment "prod": unknown field "replica"' },

  // Previews run branch code: only trusted images, never a standard environment's secrets.
  'a preview image from an untrusted registry': {
    files: { [PREVIEWS_FILE]: '[{"name": "x", "images": {"backend": "docker.io/someone/backend:1.0"}}]' },
    exitCode: 1,
    message: 'environment "preview-x": images.backend: "docker.io/someone/backend:1.0" is not from a trusted registry (trustedRegistries: quay-its.epfl.ch/svc1751/, ',
  },
  'previews reading the secrets of prod': {
    project: (p) => (environmentNamed(p, 'prod').secrets = { strategy: 'external-secrets', storeRef: { kind: 'ClusterSecretStore', name: 'co2-calculator-previews' }, remoteKeyPrefix: 'co2-calculator-' }),
    exitCode: 1,
    message: /environment "preview-[a-z0-9-]+": secrets: reads ClusterSecretStore "co2-calculator-previews" under "co2-calculator-preview-", which overlaps what environment "prod" reads/,
  },

  // The command line.
  'an unknown flag': { argv: ['--bogus'], exitCode: 2, message: "Unknown option '--bogus'" },
  'a flag without its value': { argv: ['--out'], exitCode: 2, message: "Option '--out <value>' argument missing" },
  'a repeated flag, where the last would silently win': { argv: ['--out', '<scratch>/a', '--out', '<scratch>/b'], exitCode: 2, message: '--out is given more than once; give it once' },
  'set-image with --env given twice': { command: setImageCommand, argv: ['--env', 'dev', '--component', 'backend', '--tag', 'v1.0.8', '--env', 'prod'], exitCode: 2, message: '--env is given more than once' },
  'an environment name with a newline, ESC and a bidi override': {
    command: setImageCommand,
    argv: ['--env', 'dev\nerror: all good\x1b[2J\u202e', '--component', 'backend', '--tag', 'v1.0.8'],
    exitCode: 1,
    message: 'unknown environment "dev\\nerror: all good\\x1b[2J\\u202e"',
  },
  'a flag value of a million characters is cut short in the message': {
    command: setImageCommand,
    argv: ['--env', 'x'.repeat(1_000_000), '--component', 'backend', '--tag', 'v1.0.8'],
    exitCode: 1,
    message: /^unknown environment "x{900,1000}\.\.\. \(\d+ more characters\)$/,
  },
  'a stray argument': { argv: ['dev'], exitCode: 2, message: "Unexpected argument 'dev'" },

  // The output folder.
  'an output folder that synthesis does not own': {
    prepare: (scratch) => {
      mkdirSync(join(scratch, 'mine', '.git'), { recursive: true });
      writeFileSync(join(scratch, 'mine', '.git', 'HEAD'), 'ref: refs/heads/main\n');
    },
    argv: ['--out', '<scratch>/mine'],
    exitCode: 1,
    message: /mine is not empty and was not written by synthesis \(it has no \.synth-files\)/,
  },
  'an output that is a file': { prepare: (scratch) => writeFileSync(join(scratch, 'out.yaml'), 'x'), argv: ['--out', '<scratch>/out.yaml'], exitCode: 1, message: /out\.yaml is a file, not a folder/ },
  'an output folder that cannot be created': {
    prepare: (scratch) => writeFileSync(join(scratch, 'file'), 'x'),
    argv: ['--out', '<scratch>/file/dist'],
    exitCode: 1,
    message: /cannot read the output folder .*file\/dist: a path component is a file, not a folder/,
  },

  // The write lock (lib/cli/lock.ts), as a read-only checkout or a broken cache leaves it.
  'a write lock that cannot be created': {
    files: { 'node_modules/.cache/co2-calculator': 'a file where the lock\'s folder should be' },
    exitCode: 1,
    message: /^cannot create the write lock .*co2-calculator\/write\.lock: a path component is a file, not a folder$/,
  },

  'a symlink loop in the CRD folder': {
    env: (folder) => {
      mkdirSync(join(folder, 'crds'));
      symlinkSync('loop.yaml', join(folder, 'crds', 'loop.yaml'));
      return { CRD_DIRECTORY: join(folder, 'crds'), CO2_VALIDATOR_CACHE: 'off' };
    },
    exitCode: 1,
    message: /crds\/loop\.yaml: cannot be read as a CustomResourceDefinition \(YAML\): ELOOP: too many symbolic links encountered/,
  },

  // The reference data beside the repository.
  'the shared schemas missing': {
    env: (scratch) => ({ K8S_SCHEMA_DIRECTORY: join(scratch, 'no-shared') }),
    exitCode: 1,
    message: /^the Kubernetes 1\.29 schemas are missing: no file .*no-shared\/k8s-v1\.29\.0-definitions\.json; this repository reads its reference data from \.\.\/shared/,
  },
  'the newest Kubernetes schemas missing': {
    env: (scratch) => {
      mkdirSync(join(scratch, 'schemas'));
      copyFileSync(join(sharedReferenceData().schemaDirectory, 'k8s-v1.29.0-definitions.json'), join(scratch, 'schemas', 'k8s-v1.29.0-definitions.json'));
      return { K8S_SCHEMA_DIRECTORY: join(scratch, 'schemas') };
    },
    exitCode: 1,
    message: /^the Kubernetes 1\.34 schemas are missing: no file .*schemas\/k8s-v1\.34\.0-definitions\.json/,
  },
  'the shared CRDs missing': { env: (scratch) => ({ CRD_DIRECTORY: join(scratch, 'no-crds') }), exitCode: 1, message: /^the operators' CRDs are missing: no folder .*no-crds/ },
  'a corrupt CRD file': {
    env: (scratch) => ({ CRD_DIRECTORY: corruptCrds(scratch), CO2_VALIDATOR_CACHE: 'off' }),
    exitCode: 1,
    message: /crds\/route\.openshift\.io_routes\.yaml: cannot be read as a CustomResourceDefinition \(YAML\): .* at line \d+, column \d+$/,
  },
  'a corrupt Kubernetes schema file': {
    env: (scratch) => {
      mkdirSync(join(scratch, 'schemas'));
      for (const version of ['1.29', '1.34']) writeFileSync(join(scratch, 'schemas', `k8s-v${version}.0-definitions.json`), '{"definitions": ');
      return { K8S_SCHEMA_DIRECTORY: join(scratch, 'schemas'), CO2_VALIDATOR_CACHE: 'off' };
    },
    exitCode: 1,
    message: /k8s-v1\.29\.0-definitions\.json: cannot be read as the Kubernetes OpenAPI definitions \(JSON\): Unexpected end of JSON input/,
  },

  // npm run diff: a failure to compare is exit 2, above the 1 of "dist/ differs".
  'diff against a folder that does not exist': { command: diffCommand, argv: ['--dist', '<scratch>/nowhere'], exitCode: 2, message: /nowhere: no such folder; run npm run synth to create it/ },
  'diff of an environment that does not exist': { command: diffCommand, argv: ['qa', '--against', 'disk'], exitCode: 2, message: 'unknown environment "qa": dist/ and the synthesis have' },
  'diff of a misspelt environment': { command: diffCommand, argv: ['stagin', '--against', 'disk'], exitCode: 2, message: 'unknown environment "stagin": did you mean "staging"? dist/ and the synthesis have' },
  'diff with an unknown flag': { command: diffCommand, argv: ['--exit'], exitCode: 2, message: "Unknown option '--exit'; did you mean --exit-code?" },
  'diff against something that is not head, index or disk': { command: diffCommand, argv: ['--against', 'main'], exitCode: 2, message: '--against main: must be head, index or disk' },
  'diff against git HEAD outside a git repository': { command: diffCommand, env: () => ({ GIT_CEILING_DIRECTORIES: tmpdir() }), exitCode: 2, message: /^cannot read dist\/ from git HEAD \(.*\); compare with the folder on disk: npm run diff -- --against disk$/ },
  'diff of a project that does not synthesize': { command: diffCommand, argv: ['--against', 'disk'], files: { [imagesFile('dev')]: '{' }, exitCode: 2, message: 'environments/images/dev.json:1:2: not valid JSON' },

  // npm run set-image: the edit is written with dist/ or not at all.
  'set-image of an unknown environment': { command: setImageCommand, argv: ['--env', 'qa', '--component', 'backend', '--tag', 'v1.0.8'], exitCode: 1, message: 'unknown environment "qa": valid environments are' },
  'set-image of an unknown component': { command: setImageCommand, argv: ['--env', 'dev', '--component', 'worker', '--tag', 'v1.0.8'], exitCode: 1, message: 'unknown component "worker" in environments/images/dev.json: valid components are' },
  // The mistakes of issue 19: each gets one line that says what was meant.
  'set-image --env stage suggests staging': { command: setImageCommand, argv: ['--env', 'stage', '--component', 'backend', '--tag', 'v1.0.8'], exitCode: 1, message: 'unknown environment "stage": did you mean "staging"? valid environments are "dev", "local", "prod", "staging"' },
  'set-image --env production suggests prod': { command: setImageCommand, argv: ['--env', 'production', '--component', 'backend', '--tag', 'v1.0.8'], exitCode: 1, message: 'unknown environment "production": did you mean "prod"?' },
  'set-image of a misspelt component suggests it': { command: setImageCommand, argv: ['--env', 'dev', '--component', 'backnd', '--tag', 'v1.0.8'], exitCode: 1, message: 'unknown component "backnd" in environments/images/dev.json: did you mean "backend"? valid components are' },
  'set-image with a misspelt flag suggests it': { command: setImageCommand, argv: ['--envv', 'dev', '--component', 'backend', '--tag', 'v1.0.8'], exitCode: 2, message: "Unknown option '--envv'; did you mean --env?" },
  'set-image whose flags npm swallowed (no --): says where the -- goes': {
    command: setImageCommand,
    argv: ['dev', 'backend'],
    env: () => ({ npm_lifecycle_event: 'set-image', npm_config_env: 'true', npm_config_component: 'true', npm_config_tag: 'v1.0.8' }),
    exitCode: 2,
    message: 'npm took --env, --component, --tag for itself, so the command did not get them',
  },
  'synth whose --out npm swallowed': { argv: ['<scratch>/out'], env: () => ({ npm_lifecycle_event: 'synth', npm_config_out: 'true' }), exitCode: 2, message: 'npm took --out for itself' },
  'diff whose --exit-code npm swallowed (it would otherwise pass silently)': { command: diffCommand, argv: [], env: () => ({ npm_lifecycle_event: 'diff', npm_config_exit_code: 'true' }), exitCode: 2, message: 'npm took --exit-code for itself' },
  'set-image to latest': { command: setImageCommand, argv: ['--env', 'prod', '--component', 'backend', '--tag', 'latest'], exitCode: 1, message: 'floating tag "latest"' },
  'set-image to a branch tag without its digest': { command: setImageCommand, argv: ['--env', 'dev', '--component', 'backend', '--tag', 'dev'], exitCode: 1, message: 'floating tag "dev"' },
  'set-image to a malformed digest': { command: setImageCommand, argv: ['--env', 'dev', '--component', 'backend', '--tag', 'v1.0.8@sha256:abc'], exitCode: 1, message: 'digest must be sha256: followed by 64 lowercase hex digits' },
  'set-image without --tag': { command: setImageCommand, argv: ['--env', 'dev', '--component', 'backend'], exitCode: 2, message: 'missing --tag' },
  'set-image of a corrupt images file': { command: setImageCommand, files: { [imagesFile('dev')]: '{"backend": }' }, argv: ['--env', 'dev', '--component', 'backend', '--tag', 'v1.0.8'], exitCode: 1, message: /environments\/images\/dev\.json:1:13: not valid JSON/ },
  'set-image of an images file that no environment reads': {
    command: setImageCommand,
    files: { [imagesFile('qa')]: readFileSync(join(REPO_ROOT, imagesFile('dev')), 'utf8') },
    argv: ['--env', 'qa', '--component', 'backend', '--tag', 'v1.0.8'],
    exitCode: 1,
    message: 'unknown environment "qa": environments/images/qa.json exists, but no environment of the project reads it; valid environments are "dev", "local", "prod", "staging"',
  },
  'set-image whose synthesis fails': {
    command: setImageCommand,
    argv: ['--env', 'dev', '--component', 'backend', '--tag', 'v1.0.8'],
    project: (p) => (environmentNamed(p, 'prod').backup.schedule = 'nightly'),
    exitCode: 1,
    message: 'environment "prod": backup.schedule: must be a five-field cron schedule',
  },

  // npm run update-manifest: a refused dispatch or a failing synthesis changes nothing.
  'a dispatch with a malformed digest': { command: updateManifest, argv: ['--event', '<scratch>/event.json'], prepare: dispatch((payload) => (payload.images[0].digest = 'sha256:12')), exitCode: 1, message: 'digest' },
  'a dispatch of an image no environment runs': { command: updateManifest, argv: ['--event', '<scratch>/event.json'], prepare: dispatch((payload) => (payload.images[0].name = 'quay-its.epfl.ch/svc1751/worker')), exitCode: 1, message: 'quay-its.epfl.ch/svc1751/worker' },
  'a release dispatch whose ref is not a version': {
    command: updateManifest,
    argv: ['--event', '<scratch>/event.json'],
    prepare: dispatch((payload) => {
      payload.branch = 'prod';
      for (const image of payload.images) image.ref_name = 'main';
    }),
    exitCode: 1,
    message: '"main"',
  },
  'a dispatch for another application': {
    command: updateManifest,
    argv: ['--event', '<scratch>/event.json'],
    prepare: dispatch((payload) => (payload.repo_name = 'other-app')),
    exitCode: 1,
    message: 'client_payload.repo_org/repo_name: "epfl/other-app" may not deploy to dev (environments/pipeline.ts allows epfl/co2-calculator)',
  },
  // Who sent it is GitHub's sender.login (the token's owner), not what the payload claims.
  'a dispatch from a sender the pipeline does not list': { ...release((e) => (e.sender.login = 'mallory')), exitCode: 1, message: 'sender.login: "mallory" may not deploy to prod (environments/pipeline.ts allows epfl-enac-bot)' },
  'a dispatch from another sender claiming the bot in triggered_by': {
    command: updateManifest,
    argv: ['--event', '<scratch>/event.json'],
    prepare: (folder) => {
      dispatch((payload) => (payload.triggered_by = 'epfl-enac-bot'))(folder);
      const event = JSON.parse(readFileSync(join(folder, 'event.json'), 'utf8'));
      writeFileSync(join(folder, 'event.json'), JSON.stringify({ ...event, sender: { login: 'mallory', type: 'User' } }));
    },
    exitCode: 1,
    message: 'sender.login: "mallory" may not deploy to dev',
  },
  'a dispatch event without a sender': { ...release((e) => delete e.sender), exitCode: 1, message: 'event.json: sender.login: required field is missing' },
  'a right-to-left override in triggered_by': {
    command: updateManifest,
    argv: ['--event', '<scratch>/event.json'],
    prepare: dispatch((payload) => (payload.triggered_by = 'jdoe\u202Efdp.exe')),
    exitCode: 1,
    message: 'client_payload.triggered_by: "jdoe\\u202efdp.exe" holds the control or bidirectional character U+202E, which no dispatch may carry',
  },
  'a line break in triggered_by (a forged trailer)': {
    command: updateManifest,
    argv: ['--event', '<scratch>/event.json'],
    prepare: dispatch((payload) => (payload.triggered_by = 'jdoe\nDispatched-by: epfl-enac-bot')),
    exitCode: 1,
    message: 'client_payload.triggered_by: "jdoe\\nDispatched-by: epfl-enac-bot" holds the control or bidirectional character U+000A',
  },
  'a pop-directional isolate in an image name': {
    command: updateManifest,
    argv: ['--event', '<scratch>/event.json'],
    prepare: dispatch((payload) => (payload.images[0].name = 'quay-its.epfl.ch/svc1751/frontend\u2069')),
    exitCode: 1,
    message: 'client_payload.images[0].name: "quay-its.epfl.ch/svc1751/frontend\\u2069" holds the control or bidirectional character U+2069',
  },
  'a C1 control in the sender login': { ...release((e) => (e.sender.login = 'epfl-enac-bot\u009b')), exitCode: 1, message: 'sender.login: "epfl-enac-bot\\u009b" holds the control or bidirectional character U+009B' },
  // A release (prod) dispatch: docs/delivery.md, "Release dispatches".
  'a prod dispatch lower than the version prod runs': {
    ...release((e) => e.client_payload.images.forEach((image: any) => (image.ref_name = 'v1.0.6'))),
    exitCode: 1,
    message: 'client_payload.images[0].ref_name: v1.0.6 is lower than v1.0.7, which prod runs (frontend); a dispatch never rolls back: use npm run rollback',
  },
  'a prod dispatch only partly matched': {
    ...release((e) => e.client_payload.images.push({ name: 'ghcr.io/epfl-enac/worker', digest: `sha256:${'1'.repeat(64)}`, ref_name: 'v1.0.8', registry: 'ghcr.io' })),
    exitCode: 1,
    message: 'client_payload.images[3]: ghcr.io/epfl-enac/worker is no image prod runs (it pulls from quay-its.epfl.ch) nor a copy of one this dispatch applies',
  },
  'a prod dispatch that does not name its source commit': {
    ...release((e) => delete e.client_payload.source_sha),
    exitCode: 1,
    message: 'client_payload.source_sha: required field is missing: a prod dispatch must name its source commit, to compare with what staging ran',
  },
  'a prod dispatch of a source commit staging never ran': {
    ...release(() => {}),
    files: {},
    exitCode: 1,
    message: 'client_payload.source_sha: staging never ran a7cd6ec671a0c74ab0fa5a8afe5754d54ae17579 for frontend (environments/images/staging.json has c123fbe16d03b9d80fc5c5c4ac9085e8d1669bb9)',
  },
  'a pipeline whose prod lists no sender': {
    ...release(() => {}),
    command: updateManifestCommand({ ...PIPELINE, deployers: { ...PIPELINE.deployers, prod: { ...PIPELINE.deployers.prod, senders: [] } } }),
    exitCode: 1,
    message: 'environments/pipeline.ts: deployers.prod.senders: must list at least one sender',
  },
  'a dispatch event without its payload': { command: updateManifest, argv: ['--event', '<scratch>/event.json'], prepare: (folder) => writeFileSync(join(folder, 'event.json'), '{"action": "update-manifest"}'), exitCode: 1, message: 'client_payload' },
  'a dispatch event that is not JSON': { command: updateManifest, argv: ['--event', '<scratch>/event.json'], prepare: (folder) => writeFileSync(join(folder, 'event.json'), '{"action": '), exitCode: 1, message: /event\.json:1:12: not valid JSON/ },
  'a message file inside environments/': {
    command: updateManifest,
    argv: ['--event', '<scratch>/event.json', '--message-file', '<repo>/environments/images/dev.json'],
    prepare: dispatch(() => {}),
    exitCode: 2,
    message: /^--message-file .*environments\/images\/dev\.json: is a file of this repository \(environments\/, dist\/ or tracked by git\), which the commit would include/,
  },
  'a message file inside dist/, through a relative path': {
    command: updateManifest,
    argv: ['--event', '<scratch>/event.json', '--message-file', '<repo>/environments/../dist/dev/new-file.txt'],
    prepare: dispatch(() => {}),
    exitCode: 2,
    message: 'is a file of this repository',
  },
  'a refused dispatch leaves the message file untouched': {
    command: updateManifest,
    files: { 'commit-message.txt': 'the message of an earlier run\n' },
    argv: ['--event', '<scratch>/event.json', '--message-file', '<repo>/commit-message.txt'],
    prepare: dispatch((payload) => (payload.images[0].digest = 'sha256:12')),
    exitCode: 1,
    message: 'digest',
  },
  'a message file that cannot be written: the edit and dist/ are not written either': {
    command: updateManifest,
    argv: ['--event', '<scratch>/event.json', '--message-file', '<scratch>/no-such-folder/message.txt'],
    prepare: dispatch(() => {}),
    exitCode: 1,
    message: /^cannot write a file beside .*no-such-folder\/message\.txt: no such file or folder$/,
  },
  'update-manifest without --event': { command: updateManifest, argv: [], exitCode: 2, message: 'missing --event' },
  'a dispatch whose synthesis fails': {
    command: updateManifest,
    argv: ['--event', '<scratch>/event.json'],
    prepare: dispatch(() => {}),
    project: (p) => (environmentNamed(p, 'staging').host = 'co2-calculator.epfl.ch'),
    exitCode: 1,
    message: 'is already the host of environment',
  },

  // npm run promote and npm run rollback: refused before git is read or anything is written.
  'promote without --to': { command: promote, argv: ['--from', 'staging'], exitCode: 2, message: 'missing --to' },
  'promote with a misspelt flag suggests it': { command: promote, argv: ['--fro', 'staging', '--to', 'prod'], exitCode: 2, message: "Unknown option '--fro'; did you mean --from?" },
  'promote --to production suggests prod': { command: promote, argv: ['--from', 'staging', '--to', 'production'], exitCode: 1, message: '--to production: unknown environment: did you mean "prod"? valid environments are "dev", "local", "prod", "staging"' },
  'promote --from stage suggests staging': { command: promote, argv: ['--from', 'stage', '--to', 'prod'], exitCode: 1, message: '--from stage: unknown environment: did you mean "staging"?' },
  'promote without --from to an environment tested nowhere': { command: promote, argv: ['--to', 'dev'], exitCode: 2, message: 'missing --from: environments/pipeline.ts names no environment dev is tested in' },
  'promote from an environment to itself': { command: promote, argv: ['--from', 'prod', '--to', 'prod'], exitCode: 1, message: '--from and --to are both "prod"' },
  'promote outside a git repository': { command: promote, argv: ['--from', 'staging', '--to', 'prod'], exitCode: 1, message: 'not a git repository; npm run promote reads the history of environments/images/' },
  'rollback without --env': { command: rollbackCommand, argv: [], exitCode: 2, message: 'missing --env' },
  'rollback --env production suggests prod': { command: rollbackCommand, argv: ['--env', 'production'], exitCode: 1, message: '--env production: unknown environment: did you mean "prod"?' },
  'rollback with --to given twice': { command: rollbackCommand, argv: ['--env', 'prod', '--to', 'HEAD~1', '--to', 'HEAD~2'], exitCode: 2, message: '--to is given more than once' },
  'where with a misspelt flag suggests it': { command: whereCommand(PIPELINE), argv: ['--att', 'HEAD'], exitCode: 2, message: "Unknown option '--att'; did you mean --at?" },
  'where with a stray argument': { command: whereCommand(PIPELINE), argv: ['prod'], exitCode: 2, message: "Unexpected argument 'prod'" },
  'where outside a git repository': { command: whereCommand(PIPELINE), argv: [], exitCode: 1, message: 'not a git repository; npm run where reads the history of environments/images/' },
  'rollback outside a git repository': { command: rollbackCommand, argv: ['--env', 'prod', '--to', 'HEAD~1'], exitCode: 1, message: 'not a git repository; npm run rollback reads the history of environments/images/' },

  // backend.settings: what the environment derives is not overridden by accident; unread settings are refused.
  'a backend setting overriding what the environment derives': {
    project: (p) => (environmentNamed(p, 'prod').backend.settings = { FRONTEND_URL: 'https://elsewhere.epfl.ch' }),
    exitCode: 1,
    message: 'environment "prod": backend.settings.FRONTEND_URL',
  },
  'a backend setting of the wrong type': {
    project: (p) => (environmentNamed(p, 'prod').backend.settings = { ACCESS_TOKEN_EXPIRE_MINUTES: '8h' }),
    exitCode: 1,
    message: 'environment "prod": backend.settings.ACCESS_TOKEN_EXPIRE_MINUTES: "8h" is not a whole number, which the application declares for ACCESS_TOKEN_EXPIRE_MINUTES (backend/app/core/config.py:264)',
  },
  'a backend setting below the application\'s bound': {
    project: (p) => (environmentNamed(p, 'prod').backend.settings = { POLLER_INTERVAL_SECONDS: '0' }),
    exitCode: 1,
    message: 'environment "prod": backend.settings.POLLER_INTERVAL_SECONDS: 0 is below 1, the least the application accepts (backend/app/core/config.py:354)',
  },
  'a backend setting the application does not read': {
    project: (p) => (environmentNamed(p, 'prod').backend.settings = { ENVIRONMENT: 'production' }),
    exitCode: 1,
    message: 'environment "prod": backend.settings.ENVIRONMENT',
  },

  // A bug of ours: a short message and how to see the trace, never the trace itself.
  'an internal error': {
    project: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'host')");
    },
    exitCode: 70,
    message: "internal error: Cannot read properties of undefined (reading 'host')",
  },
};

/**
 * Every file of the scratch repository (except the lock's folder) with its size and modification time
 * to the nanosecond: what must not change. Stricter than comparing contents, and cheaper: a command
 * that rewrote a file with the same bytes would show too (ours write nothing when they refuse).
 */
function fingerprint(scratch: string): Record<string, string> {
  const stamps: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (prefix === '' && entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else {
        const stat = statSync(path, { bigint: true });
        stamps[`${prefix}${entry.name}`] = `${stat.size} ${stat.mtimeNs}`;
      }
    }
  };
  walk(scratch, '');
  return stamps;
}

describe('bad input: one error line, the right exit status, nothing changed', () => {
  // One scratch repository for every case: each case writes its files, runs, is checked, and has its
  // files put back; anything else it needs lives in a folder of its own beside, removed after it.
  const scratch = mkdtempSync(join(tmpdir(), 'bad-input-'));
  cpSync(join(REPO_ROOT, 'environments'), join(scratch, 'environments'), { recursive: true });
  // Without the stamp of the last synth here (a cache of this checkout, lib/synth/input-stamp.ts).
  cpSync(join(REPO_ROOT, 'dist'), join(scratch, 'dist'), { recursive: true, filter: (source) => source !== join(REPO_ROOT, 'dist', STAMP_FILE) });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test.each(Object.entries(CASES))('%s', (_name, input) => {
    const extras = mkdtempSync(join(tmpdir(), 'bad-input-case-'));
    // A folder the case replaces by a file (the lock's) is moved aside and put back after.
    const original = (path: string) => (!existsSync(path) ? undefined : statSync(path).isDirectory() ? (renameSync(path, `${path}.aside`), 'folder' as const) : readFileSync(path));
    const originals = Object.keys(input.files ?? {}).map((path) => [path, original(join(scratch, path))] as const);
    try {
      for (const [path, content] of Object.entries(input.files ?? {})) {
        mkdirSync(dirname(join(scratch, path)), { recursive: true });
        writeFileSync(join(scratch, path), content);
      }
      input.prepare?.(extras);
      const env = { ...process.env, CO2_DEBUG: '', ...input.env?.(extras) };
      const before = fingerprint(scratch);

      const { exitCode, stdout, stderr } = runCommand(input.command ?? synthCommand, {
        repoRoot: scratch,
        loadProject: (files: ProjectFiles, options?: { previewEntries?: unknown }) => {
          const project = structuredClone(loadProject(files, options)) as ProjectConfig & { environments: Environments };
          input.project?.(project);
          return project;
        },
        argv: (input.argv ?? []).map((arg) => arg.replace('<scratch>', extras).replace('<repo>', scratch)),
        env,
      });

      expect({ exitCode, stdout }).toEqual({ exitCode: input.exitCode, stdout: [] });
      const [first, ...rest] = stderr.flatMap((line) => line.split('\n'));
      expect(first.startsWith('error: ')).toBe(true);
      if (typeof input.message === 'string') expect(first).toContain(input.message);
      else expect(first.slice('error: '.length)).toMatch(input.message);
      // Context lines are allowed (the usage, the hint of an internal error); a stack trace is not.
      expect(rest.filter((line) => /^\s+at /.test(line))).toEqual([]);
      expect(rest.length).toBeLessThanOrEqual(1);
      expect(fingerprint(scratch)).toEqual(before);
    } finally {
      for (const [path, content] of originals) {
        if (content === undefined || content === 'folder') rmSync(join(scratch, path), { force: true });
        if (content === 'folder') renameSync(join(scratch, `${path}.aside`), join(scratch, path));
        else if (content !== undefined) writeFileSync(join(scratch, path), content);
      }
      rmSync(extras, { recursive: true, force: true });
    }
  });
});

describe('every command answers --help and -h, with examples, and does nothing else', () => {
  const commands: [string, Command][] = [
    ['synth', synthCommand],
    ['diff', diffCommand],
    ['set-image', setImageCommand],
    ['update-manifest', updateManifest],
    ['promote', promote],
    ['rollback', rollbackCommand],
    ['where', whereCommand(PIPELINE)],
  ];
  // No repository at all: a command that did anything but print its help would fail on it.
  const nowhere = join(tmpdir(), 'no-repository-here');
  test.each(commands.flatMap(([name, command]) => ['--help', '-h'].map((flag) => [name, flag, command] as const)))('npm run %s -- %s', (name, flag, command) => {
    const { exitCode, stdout, stderr } = runCommand(command, { repoRoot: nowhere, loadProject: () => { throw new Error('the help loads no project'); }, argv: ['--env', 'x', flag], env: {} });
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: [] });
    const [text] = stdout;
    expect(text.split('\n')[0]).toMatch(new RegExp(`^npm run ${name}: \\S`));
    expect(text).toContain(`\nusage: npm run ${name}`);
    expect(text).toContain('\n  -h, --help ');
    const examples = text.slice(text.indexOf('\nexamples:\n')).split('\n').filter((line) => line.startsWith(`  npm run `));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(text.split('\n').filter((line) => line.length > 120)).toEqual([]);
  });

  test('the swallowed-flags hint gives the command line that was meant, values in place', () => {
    const { exitCode, stderr } = runCommand(setImageCommand, {
      repoRoot: nowhere,
      loadProject: () => { throw new Error('not reached'); },
      argv: ['dev', 'backend'],
      env: { npm_lifecycle_event: 'set-image', npm_config_env: 'true', npm_config_component: 'true', npm_config_tag: 'v1.0.8' },
    });
    expect(exitCode).toBe(2);
    expect(stderr.join('\n').split('\n')).toEqual([
      'error: npm took --env, --component, --tag for itself, so the command did not get them',
      'hint: put -- before the flags: npm run set-image -- --env dev --component backend --tag v1.0.8',
    ]);
  });

  test('flags after -- are not swallowed: the variables of an outer npm script are not taken for a mistake', () => {
    const { stderr } = runCommand(setImageCommand, { repoRoot: nowhere, loadProject: () => { throw new Error('the test stops here'); }, argv: ['--env', 'dev'], env: { npm_lifecycle_event: 'test', npm_config_env: 'true' } });
    expect(stderr[0]).toBe('error: missing --component, --tag');
  });
});

describe('a TypeScript mistake in environments/*.ts, as `npm run synth` runs it: one line with file, line and column', () => {
  // A real process on a copy of the repository: the mistake throws while the bundle loads, before
  // any command runs, and only then is the type checker asked (lib/cli/type-check.cjs).
  let scratch: string;
  let copy: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'type-error-'));
    copy = copyRepository(join(scratch, 'repo'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test('a name that does not exist', () => {
    const file = join(copy, 'environments', 'dev.ts');
    const original = readFileSync(file, 'utf8');
    expect(original).toContain("  host: 'co2-calculator-dev.epfl.ch',\n");
    writeFileSync(file, original.replace("  host: 'co2-calculator-dev.epfl.ch',\n", '  host: hostName,\n'));
    const line = original.slice(0, original.indexOf("  host: 'co2-calculator-dev.epfl.ch'")).split('\n').length;
    const before = fingerprint(copy);
    const run = spawnSync(process.execPath, ['scripts/run.cjs', 'main.ts'], { cwd: copy, env: copyEnvironment({ CO2_DEBUG: '' }), encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 1, stdout: '', stderr: `error: environments/dev.ts:${line}:9: Cannot find name 'hostName'. (TS2304)\n` });
    expect(fingerprint(copy)).toEqual(before);
  }, 120_000);

  test('with CO2_DEBUG=1, the stack trace names the TypeScript source (the debug bundle has a source map)', () => {
    const file = join(copy, 'environments', 'dev.ts');
    const broken = readFileSync(file, 'utf8').replace("  host: 'co2-calculator-dev.epfl.ch',\n", '  host: hostName,\n');
    writeFileSync(file, broken);
    const line = broken.slice(0, broken.indexOf('  host: hostName,')).split('\n').length;
    expect(broken).toContain('  host: hostName,\n');
    const run = spawnSync(process.execPath, ['scripts/run.cjs', 'main.ts'], { cwd: copy, env: copyEnvironment({ CO2_DEBUG: '1' }), encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^\\s+at .*environments/dev\\.ts:${line}:\\d+`, 'm'));
  }, 120_000);
});
