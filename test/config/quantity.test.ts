import { formatCpu, formatMemory, isQuantity, parseQuantity } from '../../lib/config/quantity';

describe('Kubernetes quantities', () => {
  test.each([
    ['100m', 0.1],
    ['1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['1k', 1000],
    ['1e3', 1000],
  ])('%s is %d base units', (text, value) => {
    expect(isQuantity(text)).toBe(true);
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  test.each(['512MB', '1gi', '', 'Mi', '1.5.0', '100 m', '-'])('"%s" is refused', (text) => {
    expect(isQuantity(text)).toBe(false);
    expect(() => parseQuantity(text)).toThrow(`"${text}" is not a Kubernetes quantity`);
  });

  test('formats CPU and memory totals the way manifests write them', () => {
    expect(formatCpu(1.5)).toBe('1500m');
    expect(formatCpu(2)).toBe('2');
    expect(formatMemory(3 * 2 ** 30)).toBe('3Gi');
    expect(formatMemory(384 * 2 ** 20)).toBe('384Mi');
  });
});
