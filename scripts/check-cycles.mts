/**
 * Fails when an import cycle exists in the project's code, between files or between the folders of
 * lib/ (docs/architecture.md: imports run one way). Type-only imports count: a cycle of types is a
 * cycle of meaning. Usage: `node scripts/check-cycles.mts [root]`; root defaults to the repository.
 */
import { relative, resolve, sep } from 'node:path';
import { parseCircular, parseDependencyTree, type DependencyTree } from 'dpdm';

/** The folder of lib/ a file belongs to (`lib/synth`), or the file itself when it sits above them. */
function layerOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'lib' && parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

async function findCycles(root: string): Promise<{ files: string[][]; folders: string[][] }> {
  const tree = await parseDependencyTree(['main.ts', 'lib/**/*.ts'], {
    context: root,
    cwd: root,
    extensions: ['.ts', '.d.ts', '.cts', '.d.cts', '.js', '.cjs', '.json'],
    transform: false,
    skipDynamicImports: false,
  });
  const name = (id: string) => relative(root, resolve(root, id)).split(sep).join('/');
  const own = (id: string | null): id is string => id !== null && !name(id).startsWith('..') && !name(id).includes('node_modules/');
  const files: DependencyTree = {};
  const folders: Record<string, Set<string>> = {};
  for (const [issuer, dependencies] of Object.entries(tree)) {
    if (!own(issuer)) continue;
    const targets = (dependencies ?? []).map((d) => d.id).filter(own);
    files[name(issuer)] = targets.map((id) => ({ issuer: name(issuer), request: name(id), kind: 0 as never, id: name(id) }));
    const from = layerOf(name(issuer));
    for (const id of targets) {
      const to = layerOf(name(id));
      if (to !== from) (folders[from] ??= new Set()).add(to);
    }
  }
  const folderTree: DependencyTree = {};
  for (const from of new Set([...Object.keys(folders), ...Object.values(folders).flatMap((s) => [...s])])) {
    folderTree[from] = [...(folders[from] ?? [])].map((to) => ({ issuer: from, request: to, kind: 0 as never, id: to }));
  }
  return { files: parseCircular(files), folders: parseCircular(folderTree) };
}

const root = resolve(process.argv[2] ?? resolve(import.meta.dirname, '..'));
findCycles(root).then(
  ({ files, folders }) => {
    for (const cycle of files) console.log(`import cycle between files: ${[...cycle, cycle[0]].join(' -> ')}`);
    for (const cycle of folders) console.log(`import cycle between folders: ${[...cycle, cycle[0]].join(' -> ')}`);
    const count = files.length + folders.length;
    console.log(count === 0 ? 'no import cycle in main.ts and lib/' : `${count} import cycle(s)`);
    process.exitCode = count === 0 ? 0 : 1;
  },
  (error: Error) => {
    console.error(`check-cycles: ${error.message}`);
    process.exitCode = 1;
  },
);
