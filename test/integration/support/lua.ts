/** Runs an Argo CD Lua health check under a real Lua 5.1 (gopher-lua's language), with `obj` set as Argo CD sets it. */
import { execFileSync } from 'node:child_process';
import { requireTool } from './tools';

/** A JSON value as a Lua table constructor. */
export function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(toLua).join(', ')}}`;
  return `{${Object.entries(value as Record<string, unknown>).map(([key, item]) => `[${JSON.stringify(key)}] = ${toLua(item)}`).join(', ')}}`;
}

/** The health a check returns for one object: `{ status, message }`. */
export function luaHealth(check: string, object: unknown): { status: string; message: string } {
  const lua = requireTool('lua5.1', 'lua5.1');
  const program = `obj = ${toLua(object)}\nlocal hs = (function()\n${check}\nend)()\nio.write(hs.status, "\\n", hs.message or "")`;
  const [status, ...message] = execFileSync(lua, ['-'], { input: program, encoding: 'utf8' }).split('\n');
  return { status, message: message.join('\n') };
}
