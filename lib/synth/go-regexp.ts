/**
 * CRD patterns are Go (RE2) regular expressions. The one RE2 construct they use that JavaScript lacks is
 * the inline case-insensitive flag `(?i)`; the pattern is then compiled case-insensitive as a whole,
 * which can only accept more than RE2 would, never refuse a valid value.
 */
export function goCompatibleRegExp(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    if (!pattern.includes('(?i)')) throw error;
    return new RegExp(pattern.replaceAll('(?i)', ''), `${flags}i`);
  }
}
