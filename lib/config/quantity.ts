/**
 * Kubernetes resource quantities ("100m", "1.5", "512Mi", "1e3"), as the API server parses them.
 *
 * We parse them ourselves for two jobs the schema cannot do: refusing a request above its limit, and
 * adding quantities up for the quota figures of the environment report.
 */

/** The grammar of k8s.io/apimachinery/pkg/api/resource: a signed decimal, then one optional suffix. */
export const QUANTITY_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

const BINARY_SUFFIXES: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIXES: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export function isQuantity(value: string): boolean {
  return QUANTITY_PATTERN.test(value);
}

/** The value of a quantity in base units (cores, bytes). Throws on a string that is not a quantity. */
export function parseQuantity(value: string): number {
  if (!isQuantity(value)) {
    throw new Error(`"${value}" is not a Kubernetes quantity (e.g. "250m", "0.5", "512Mi", "1Gi")`);
  }
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(value)!;
  const [, number, suffix] = match;
  if (suffix in BINARY_SUFFIXES) return Number(number) * BINARY_SUFFIXES[suffix];
  if (suffix in DECIMAL_SUFFIXES) return Number(number) * DECIMAL_SUFFIXES[suffix];
  return Number(number) * 10 ** Number(suffix.slice(1)); // exponent form, e.g. "1e3"
}

/** Renders a CPU amount in cores the way people write it: "1500m", "2". */
export function formatCpu(cores: number): string {
  const millicores = Math.round(cores * 1000);
  return millicores % 1000 === 0 ? `${millicores / 1000}` : `${millicores}m`;
}

/** Renders a byte count in the largest binary unit that keeps it whole: "384Mi", "2Gi". */
export function formatMemory(bytes: number): string {
  for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const size = BINARY_SUFFIXES[unit];
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}`;
}
