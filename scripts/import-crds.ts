/**
 * Regenerates imports/ from local copies of the CRDs that cdk8s.yaml names, without internet access.
 *
 *   npm run import                 # reads ../shared/crds-2026, the CRDs of the supported platforms
 *   npm run import -- <crd-folder> # reads another folder
 *
 * cdk8s.yaml stays the single list of imports: each entry `<module>:=<upstream URL>` is matched to the
 * local file `<crd-folder>/*_<module>.yaml` (the upstream file saved under `<group>_<plural>.yaml`), and
 * imported under the same module name, so the generated files are identical to an online
 * `npx cdk8s import`. The modules are generated into a fresh folder that then replaces imports/, so a
 * module dropped from cdk8s.yaml does not linger.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../lib/core/repo-root';

const repoRoot = REPO_ROOT;
const crdFolder = resolve(process.argv[2] ?? join(repoRoot, '..', 'shared', 'crds-2026'));
const importsFolder = join(repoRoot, 'imports');

interface ImportEntry {
  readonly module: string;
  readonly upstream: string;
}

function readImportEntries(): ImportEntry[] {
  const config = parse(readFileSync(join(repoRoot, 'cdk8s.yaml'), 'utf8')) as { imports?: string[] };
  return (config.imports ?? []).map((spec) => {
    const separator = spec.indexOf(':=');
    if (separator < 0) {
      throw new Error(`cdk8s.yaml: import "${spec}" must have the form <module>:=<url>`);
    }
    return { module: spec.slice(0, separator), upstream: spec.slice(separator + 2) };
  });
}

function localCopyOf(entry: ImportEntry): string {
  const candidates = readdirSync(crdFolder).filter((file) => file.endsWith(`_${entry.module}.yaml`));
  if (candidates.length !== 1) {
    throw new Error(
      `${crdFolder}: expected exactly one file named *_${entry.module}.yaml for import "${entry.module}" ` +
        `(upstream ${entry.upstream}), found ${candidates.length}`,
    );
  }
  return join(crdFolder, candidates[0]);
}

function main(): void {
  if (!existsSync(crdFolder)) {
    throw new Error(`CRD folder ${crdFolder} does not exist`);
  }
  const entries = readImportEntries();
  const workDir = mkdtempSync(join(tmpdir(), 'cdk8s-import-'));
  try {
    // cdk8s import wants a project file in its working directory; an empty one keeps it from editing ours.
    writeFileSync(join(workDir, 'cdk8s.yaml'), 'language: typescript\n');
    const cli = join(repoRoot, 'node_modules', '.bin', 'cdk8s');
    for (const entry of entries) {
      const source = localCopyOf(entry);
      console.log(`import ${entry.module} <- ${source}`);
      execFileSync(cli, ['import', '--no-save', '--no-check-upgrade', '--output', 'imports', `${entry.module}:=${source}`], {
        cwd: workDir,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
    rmSync(importsFolder, { recursive: true, force: true });
    renameSync(join(workDir, 'imports'), importsFolder);
    console.log(`imports/: ${readdirSync(importsFolder).sort().join(', ')}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main();
