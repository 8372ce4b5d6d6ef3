/**
 * Infrastructure Health: are the pods of the environment healthy and within their resources? CPU,
 * memory, volumes, network, restarts and OOM kills, from OpenShift's cluster monitoring (cAdvisor,
 * kubelet, kube-state-metrics).
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '../metrics';
import { buildDashboard, DashboardOptions, summaryRow, timeSeriesPanel } from './common';
import { increase, maxBy, notEqual, rate, ratio, selector, sumBy, RATE_INTERVAL, TIME_RANGE } from './promql';

/**
 * cAdvisor also reports each pod's cgroup as a series without a container name; counting it with the
 * containers would count every pod twice.
 */
const CONTAINERS_ONLY = { container: notEqual('') };
const BY_CONTAINER = ['pod', 'container'] as const;
const BY_PVC = ['persistentvolumeclaim'] as const;

const cpuUsage = (by: readonly string[]) => sumBy(by, rate(selector(METRICS.containerCpuUsage, CONTAINERS_ONLY)));
const memoryWorkingSet = (by: readonly string[]) => sumBy(by, selector(METRICS.containerMemoryWorkingSet, CONTAINERS_ONLY));
const limits = (resource: 'cpu' | 'memory', by: readonly string[]) => sumBy(by, selector(METRICS.containerResourceLimits, { resource }));
const memoryOfLimit = ratio(memoryWorkingSet(BY_CONTAINER), limits('memory', BY_CONTAINER));

/**
 * The kubelet of every node that mounts a volume reports it; `max` keeps a volume mounted on two nodes
 * from counting twice.
 */
const volumeUsed = maxBy(BY_PVC, selector(METRICS.volumeUsedBytes));
const volumeCapacity = maxBy(BY_PVC, selector(METRICS.volumeCapacityBytes));
const volumeUsage = ratio(volumeUsed, volumeCapacity);

const restarts = (window: string) => increase(selector(METRICS.containerRestarts), window);
/**
 * kube-state-metrics keeps the last termination reason until the next termination, so on its own it
 * says a container was OOM-killed at some point; joined with a restart in the window it dates the kill.
 */
const oomKilled = `${selector(METRICS.containerLastTerminatedReason, { reason: 'OOMKilled' })} == 1`;
const oomKills = sumBy(BY_CONTAINER, `(${restarts(RATE_INTERVAL)} > 0) and on (namespace, pod, container) (${oomKilled})`);

/** The levels of the alerts: memory warning from 80 % of the limit, disk critical from 90 % of the volume. */
const MEMORY_WARNING = 0.8;
const DISK_CRITICAL = 0.9;

export function infrastructureHealth(options: DashboardOptions): Dashboard {
  return buildDashboard(
    {
      uidPrefix: 'co2-infra-health',
      title: 'Infrastructure Health',
      description: 'CPU, memory, volumes, network, restarts and OOM kills of the CO2 Calculator pods.',
      rows: [
        summaryRow([
          {
            title: 'Container restarts',
            description: 'Restarts of all containers over the selected time range.',
            unit: 'short',
            noValue: '0',
            queries: [{ expr: sumBy([], restarts(TIME_RANGE)), instant: true }],
          },
          {
            title: 'Containers last stopped by OOM',
            description: 'Containers whose last termination was an out-of-memory kill, however long ago. See "OOM kills" below for when.',
            unit: 'short',
            noValue: '0',
            thresholds: [{ value: 1, color: 'orange' }],
            queries: [{ expr: sumBy([], oomKilled) }],
          },
          {
            title: 'Highest memory use of limit',
            description: 'Working set of the container closest to its memory limit, as a share of it. At the limit the kernel kills it.',
            unit: 'percentunit',
            thresholds: [{ value: MEMORY_WARNING, color: 'orange' }],
            queries: [{ expr: maxBy([], memoryOfLimit) }],
          },
          {
            title: 'Fullest volume',
            description: 'Used share of the fullest PersistentVolumeClaim (db-dumps included).',
            unit: 'percentunit',
            thresholds: [{ value: DISK_CRITICAL, color: 'red' }],
            queries: [{ expr: maxBy([], volumeUsage) }],
          },
        ]),
        {
          title: 'CPU and memory',
          panels: [
            timeSeriesPanel({
              title: 'CPU usage by pod',
              description: 'CPU used by each pod, in cores (1 = one full core).',
              unit: 'short',
              queries: [{ expr: cpuUsage(['pod']), legend: '{{pod}}' }],
            }),
            timeSeriesPanel({
              title: 'CPU use of limit by container',
              description: 'CPU used as a share of the container\'s limit. At 100 % the container is throttled, not killed: requests slow down.',
              unit: 'percentunit',
              queries: [{ expr: ratio(cpuUsage(BY_CONTAINER), limits('cpu', BY_CONTAINER)), legend: '{{pod}} / {{container}}' }],
            }),
            timeSeriesPanel({
              title: 'Memory working set and limit by pod',
              description: 'Working-set memory of each pod (what the OOM killer compares with the limit), with the pod\'s memory limit dashed.',
              unit: 'bytes',
              limitSeries: ' limit$',
              queries: [
                { expr: memoryWorkingSet(['pod']), legend: '{{pod}}' },
                { expr: limits('memory', ['pod']), legend: '{{pod}} limit' },
              ],
            }),
            timeSeriesPanel({
              title: 'Memory use of limit by container',
              description: 'Working set as a share of the container\'s memory limit. The warning alert fires above 80 %; at 100 % the container is OOM-killed.',
              unit: 'percentunit',
              thresholds: [{ value: MEMORY_WARNING, color: 'orange' }],
              queries: [{ expr: memoryOfLimit, legend: '{{pod}} / {{container}}' }],
            }),
          ],
        },
        {
          title: 'Storage',
          panels: [
            timeSeriesPanel({
              title: 'Volume usage by PVC',
              description: 'Used share of each mounted PersistentVolumeClaim, as its kubelet reports it. The critical alert fires above 90 %.',
              unit: 'percentunit',
              thresholds: [{ value: DISK_CRITICAL, color: 'red' }],
              queries: [{ expr: volumeUsage, legend: '{{persistentvolumeclaim}}' }],
            }),
            timeSeriesPanel({
              title: 'Volume used and capacity by PVC',
              description: 'Bytes used on each mounted PersistentVolumeClaim, with its capacity dashed. A claim no pod mounts reports nothing.',
              unit: 'bytes',
              limitSeries: ' capacity$',
              queries: [
                { expr: volumeUsed, legend: '{{persistentvolumeclaim}}' },
                { expr: volumeCapacity, legend: '{{persistentvolumeclaim}} capacity' },
              ],
            }),
          ],
        },
        {
          title: 'Network',
          panels: [
            timeSeriesPanel({
              title: 'Network receive by pod',
              description: 'Bytes per second received by each pod, all interfaces.',
              unit: 'Bps',
              queries: [{ expr: sumBy(['pod'], rate(selector(METRICS.containerNetworkReceive))), legend: '{{pod}}' }],
            }),
            timeSeriesPanel({
              title: 'Network transmit by pod',
              description: 'Bytes per second sent by each pod, all interfaces.',
              unit: 'Bps',
              queries: [{ expr: sumBy(['pod'], rate(selector(METRICS.containerNetworkTransmit))), legend: '{{pod}}' }],
            }),
          ],
        },
        {
          title: 'Restarts and OOM kills',
          panels: [
            timeSeriesPanel({
              title: 'Container restarts',
              description: 'Restarts of each container within the rate interval around each point.',
              unit: 'short',
              bars: true,
              queries: [{ expr: sumBy(BY_CONTAINER, restarts(RATE_INTERVAL)), legend: '{{pod}} / {{container}}' }],
            }),
            timeSeriesPanel({
              title: 'OOM kills',
              description: 'Restarts whose cause was an out-of-memory kill (last terminated reason OOMKilled), per container.',
              unit: 'short',
              bars: true,
              queries: [{ expr: oomKills, legend: '{{pod}} / {{container}}' }],
            }),
          ],
        },
      ],
    },
    options,
  );
}
