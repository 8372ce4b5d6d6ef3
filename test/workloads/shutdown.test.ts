/**
 * Probes and shutdown timing of every web Deployment of every environment, against the facts they are
 * derived from: the router's lag, the images' servers, the backend's blocking Elasticsearch client.
 */
import { COMPONENT_NAMES } from '../../lib/application/components';
import { standardSynthesis } from '../support/synthesis';
import { ROUTER_DRAIN_SECONDS } from '../../lib/workloads/shutdown';

/** The Elasticsearch client's worst case on the event loop: request_timeout 30, max_retries 3, retry_on_timeout (client.py:231-233). */
const ELASTICSEARCH_BLOCKING_SECONDS = 30 * (1 + 3);

/** The Services the edge sends traffic to (Routes on OpenShift, HTTPRoutes elsewhere). */
function routedServices(manifests: readonly any[]): Set<string> {
  const names = new Set<string>();
  for (const m of manifests) {
    if (m.kind === 'Route') names.add(m.spec.to.name);
    if (m.kind === 'Ingress') for (const rule of m.spec.rules ?? []) for (const path of rule.http.paths) names.add(path.backend.service.name);
    if (m.kind === 'HTTPRoute') for (const rule of m.spec.rules ?? []) for (const backend of rule.backendRefs ?? []) names.add(backend.name);
  }
  return names;
}

/** Deployments behind the edge: their pods are what a rollout must drain. */
const deployments = standardSynthesis().environments.flatMap(({ environment, manifests }) => {
  const routed = manifests.filter((m: any) => m.kind === 'Service' && routedServices(manifests).has(m.metadata.name)) as any[];
  const behindEdge = (d: any) => routed.some((svc) => Object.entries(svc.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
  return manifests
    // The Jaeger UI is behind the edge too, but one in-memory pod replaced by Recreate: a rollout loses it anyway.
    .filter((m: any) => m.kind === 'Deployment' && behindEdge(m) && m.metadata.labels['app.kubernetes.io/component'] !== 'tracing')
    .map((m: any) => [`${environment.name}/${m.metadata.name}`, m.spec.template.spec, m.spec.template.spec.containers[0]] as const);
});

const env = (container: any, name: string) => container.env?.find((e: any) => e.name === name)?.value;

describe.each(deployments)('%s', (name, pod, container) => {
  const preStop: string[] = container.lifecycle?.preStop?.exec?.command ?? [];
  const sleep = Number(preStop[1]);

  test('sleeps in preStop at least as long as the router takes to drop the endpoint', () => {
    expect(preStop[0]).toBe('sleep');
    expect(sleep).toBeGreaterThanOrEqual(ROUTER_DRAIN_SECONDS);
  });

  test('has a grace period that covers preStop and the process\'s drain', () => {
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(sleep);
    const graceful = env(container, 'UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN');
    if (name.endsWith('/backend')) {
      expect(Number(graceful)).toBeGreaterThan(0);
      // uvicorn's wait, then its lifespan shutdown, before the kubelet's SIGKILL.
      expect(sleep + Number(graceful)).toBeLessThan(pod.terminationGracePeriodSeconds);
    } else {
      expect(graceful).toBeUndefined();
    }
  });

  test('a liveness probe that tolerates what the process legitimately blocks on', () => {
    const { periodSeconds, failureThreshold, timeoutSeconds } = container.livenessProbe;
    if (name.endsWith('/backend')) {
      expect(periodSeconds * failureThreshold).toBeGreaterThan(ELASTICSEARCH_BLOCKING_SECONDS);
      expect(timeoutSeconds).toBeGreaterThanOrEqual(5);
    } else {
      expect(periodSeconds * failureThreshold).toBeGreaterThanOrEqual(30);
    }
  });
});

test('every environment runs a Deployment of each component', () => {
  for (const component of COMPONENT_NAMES) {
    expect(deployments.filter(([name]) => name.endsWith(`/${component}`)).length).toBe(standardSynthesis().environments.length);
  }
});
