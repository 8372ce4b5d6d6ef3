/**
 * Whether a string can be an Argo CD targetRevision: a branch or tag name as `git check-ref-format
 * --allow-onelevel` accepts it (refs/... or a short name), HEAD, or a commit SHA. Argo CD would only
 * fail at sync time, when git refuses the ref.
 */
export function gitRefProblem(ref: string): string | undefined {
  if (/^[0-9a-f]{7,40}$/.test(ref) || ref === 'HEAD') return undefined;
  // The rules of git-check-ref-format(1), in its order.
  if (ref.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) return 'no part may start with "." or end with ".lock"';
  if (ref.includes('..')) return 'must not contain ".."';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return 'must not contain spaces, control characters or any of ~ ^ : ? * [ \\';
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) return 'must not start or end with "/" or contain "//"';
  if (ref.endsWith('.')) return 'must not end with "."';
  if (ref.includes('@{') || ref === '@') return 'must not be "@" or contain "@{"';
  if (ref.startsWith('-')) return 'must not start with "-"';
  return undefined;
}
