/**
 * What every command that writes prints (synth, set-image, update-manifest, promote, rollback), in one
 * format: the files it edited, one line per folder of the output (previews together), the files it
 * removed that it had not written, and whether anything was written.
 */
import { join } from 'node:path';
import { PREVIEW_PREFIX } from '../config/previews';
import { displayPath } from '../config/project-files';
import { CLUSTER_SETUP_FOLDER, DELIVERY_FOLDER, Synthesis } from '../synth';
import { CommitResult, FolderChanges } from '../synth/output';

/** What a write did, or, for a run that found nothing changed, the summary lines of the last run. */
export type WriteOutcome = { readonly synthesis: Synthesis; readonly result: CommitResult } | { readonly unchanged: readonly string[] };

/** The lines for `outcome`, after the `edited` lines of the command. */
export function writeSummary(outcome: WriteOutcome, outDir: string, edited: readonly string[] = []): string[] {
  const shown = displayPath(outDir);
  if ('unchanged' in outcome) return [...edited, ...outcome.unchanged, `${shown} is up to date (nothing it is made from changed since the last synth)`];
  const { synthesis, result } = outcome;
  const count = [...result.changes.values()].reduce((sum, folder) => sum + folder.added.length + folder.changed.length + folder.removed.length, 0);
  return [
    ...edited,
    ...result.strays.map((stray) => `removed ${join(shown, stray)}: synthesis had not written it (added by hand?)`),
    ...folderRows(synthesis, result.changes),
    result.written ? `wrote ${shown} (${count} file${count === 1 ? '' : 's'} changed)` : `${shown} is up to date`,
  ];
}

/** One line per folder of the output: its objects and what `changes` added, changed and removed (none with `asUnchanged`). */
export function folderRows(synthesis: Synthesis, changes: ReadonlyMap<string, FolderChanges>, asUnchanged = false): string[] {
  const previews = synthesis.environments.filter(({ preview }) => preview);
  const previewObjects = `${previews.length} envs, ${previews.reduce((sum, { objectCount }) => sum + objectCount, 0)} objects`;
  const rows = new Map<string, { objects: string; counts: [number, number, number] }>();
  const row = (name: string, objects: string) => rows.get(name) ?? rows.set(name, { objects, counts: [0, 0, 0] }).get(name)!;
  const rowOf = new Map<string, string>();
  for (const { environment, objectCount, preview } of synthesis.environments) {
    rowOf.set(environment.name, preview ? 'previews' : environment.name);
    row(rowOf.get(environment.name)!, preview ? previewObjects : `${objectCount} objects`);
  }
  for (const [folder, objects] of [[DELIVERY_FOLDER, synthesis.delivery.length], [CLUSTER_SETUP_FOLDER, synthesis.clusterSetup.length]] as const) {
    rowOf.set(folder, folder);
    row(folder, `${objects} objects`);
  }
  for (const [folder, change] of changes) {
    if (asUnchanged && change.added.length + change.changed.length + change.unchanged === 0) continue; // gone after this write
    const name = rowOf.get(folder) ?? (folder.startsWith(PREVIEW_PREFIX) ? 'previews' : folder);
    const { counts } = row(name, name === 'previews' ? previewObjects : folder === '.' ? 'generated files' : 'removed environment');
    if (!asUnchanged) [change.added.length, change.changed.length, change.removed.length].forEach((count, at) => (counts[at] += count));
  }
  const width = Math.max(...[...rows.keys()].map((name) => name.length));
  return [...rows].map(([name, { objects, counts }]) => `${name.padEnd(width)}  ${objects.padEnd(24)} ${counts[0]} added, ${counts[1]} changed, ${counts[2]} removed`);
}
