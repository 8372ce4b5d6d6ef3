/**
 * The API server's rules for names it checks at apply time, so that a value it would refuse is
 * refused here first, naming the field (k8s.io/apimachinery pkg/util/validation).
 */
import { isIP } from 'node:net';

const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** What is wrong with a DNS-1123 subdomain (at most 253 characters), if anything. */
export function dnsSubdomainProblem(value: string): string | undefined {
  if (value.length > 253) return `is ${value.length} characters, more than the 253 of a DNS-1123 subdomain`;
  if (!DNS1123_SUBDOMAIN.test(value)) return 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and "."';
  return undefined;
}

/** What is wrong with a label key (an optional DNS subdomain prefix of at most 253, "/", a name of at most 63). */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined) {
    const problem = dnsSubdomainProblem(prefix);
    if (problem) return `the prefix ${problem}`;
  }
  if (name.length > 63) return `the name after the prefix is ${name.length} characters, more than 63`;
  if (!LABEL_NAME.test(name)) return 'must be a label key: letters, digits, "-", "_" and ".", starting and ending alphanumeric';
  return undefined;
}

/** What is wrong with a label value (at most 63 characters), if anything. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `is ${value.length} characters, more than the 63 of a label value`;
  if (value !== '' && !LABEL_NAME.test(value)) return 'must be a label value: letters, digits, "-", "_" and ".", starting and ending alphanumeric';
  return undefined;
}

/** An Ingress or Route host must be a DNS name: the API server refuses an IP address. */
export function hostProblem(host: string): string | undefined {
  return isIP(host) !== 0 || /^[0-9.]+$/.test(host) ? `"${host}" is an IP address; a Route or Ingress host must be a DNS name` : undefined;
}
