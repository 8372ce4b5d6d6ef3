/**
 * The data files of the repository that automation edits (environments/images/<env>.json,
 * environments/previews.json), read at run time rather than imported, so that
 *
 * - a corrupt file is reported as `<file>:<line>:<column>: <what is wrong>`, not as a stack trace;
 * - a command that edits them (set-image, update-manifest) can synthesize the edited content *before*
 *   writing anything (an overlay), and write the edit and dist/ together or not at all.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describeSystemError, UserError } from '../core/errors';
import { REPO_ROOT } from '../core/repo-root';

/** Pinned images of each environment, one `<name>.json` per environment: what set-image and update-manifest edit. */
export const IMAGES_FOLDER = 'environments/images';
/** The preview environments: a JSON list of `{ "name": ..., "images": {...} }`. */
export const PREVIEWS_FILE = 'environments/previews.json';
export const imagesFile = (environment: string) => `${IMAGES_FOLDER}/${environment}.json`;

/** Reads repository files by path relative to the repository root ("environments/images/dev.json"). */
export interface ProjectFiles {
  read(path: string): string;
}

export class ProjectFileError extends UserError {}

/** The files as they are on disk. */
export function diskFiles(root: string = REPO_ROOT): ProjectFiles {
  return {
    read(path) {
      try {
        return readFileSync(resolve(root, path), 'utf8');
      } catch (error) {
        throw new ProjectFileError(`${path}: cannot read it: ${describeSystemError(error)}`);
      }
    },
  };
}

/** The files as they will be once `edits` (repository-relative path -> content) are written. */
export function withEdits(base: ProjectFiles, edits: ReadonlyMap<string, string>): ProjectFiles {
  return { read: (path) => edits.get(path) ?? base.read(path) };
}

/** A path as messages name it: relative to the current folder when inside it, as people typed it. */
export function displayPath(path: string, root: string = REPO_ROOT): string {
  const fromCwd = relative(process.cwd(), resolve(root, path));
  return fromCwd.startsWith('..') ? resolve(root, path) : fromCwd || '.';
}

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Where JSON text stops being valid, for V8 messages that give no position ("Unexpected token '}'"):
 * the shortest prefix that fails for another reason than ending too early ends one past the error.
 * Every longer prefix fails the same way, so a binary search finds it.
 */
function firstErrorOffset(text: string): number {
  const failsBeforeItsEnd = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const message = (error as Error).message;
      const position = /at position (\d+)/.exec(message);
      return !/end of JSON input/.test(message) && (position === null || Number(position[1]) < length);
    }
  };
  let [low, high] = [0, text.length];
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (failsBeforeItsEnd(middle)) high = middle;
    else low = middle + 1;
  }
  return Math.max(0, low - 1);
}

/**
 * Parses JSON text; a syntax error becomes a ProjectFileError `<file>:<line>:<column>: <message>`.
 * V8's messages give an offset ("at position 42") or a line and column; both are turned into
 * line:column of the file.
 */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
    const position = /at position (\d+)/.exec(message);
    const where = lineColumn
      ? { line: Number(lineColumn[1]), column: Number(lineColumn[2]) }
      : lineAndColumn(text, position ? Number(position[1]) : /end of JSON input/.test(message) ? text.length : firstErrorOffset(text));
    const what = message
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/\s*(in JSON )?at position \d+.*$/, '')
      .replace(/^Unexpected end of JSON input$/, 'the file ends before the JSON value does');
    throw new ProjectFileError(`${file}:${where.line}:${where.column}: not valid JSON: ${what}`);
  }
}

/** Reads and parses one JSON file of the repository. */
export function readJson(files: ProjectFiles, path: string): unknown {
  return parseJson(files.read(path), displayPath(path));
}

/** Reads and parses a JSON file given on the command line (relative to the current folder). */
export function readJsonArgument(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProjectFileError(`${path}: cannot read it: ${describeSystemError(error)}`);
  }
  return parseJson(text, path);
}
