import { k8s } from 'cdk8s-plus-28';

/**
 * How a pod of a web workload stops without dropping requests. When a pod is marked for deletion the
 * kubelet runs preStop while, at the same time, the EndpointSlice loses the pod and the router learns it
 * later; only after preStop does the image's stop signal reach the process. So preStop must outlast the
 * router's lag, and the grace period (counted from the start of preStop) must cover preStop plus the
 * process's own drain. Sources: docs/sources/operations.md.
 */
export interface ShutdownTiming {
  /** Seconds preStop waits while the router stops sending new connections. */
  readonly preStopSeconds: number;
  /** Seconds the process has, after the stop signal, to finish what it serves. */
  readonly drainSeconds: number;
}

/**
 * The router's lag: OpenShift's router coalesces reloads to one per 5 s by default (openshift/router
 * release-4.16 pkg/cmd/infra/router/template.go:53), after the EndpointSlice update reaches it; 15 s is
 * three reload intervals.
 */
export const ROUTER_DRAIN_SECONDS = 15;

/** nginx serving static files: SIGQUIT closes the listener, in-flight files finish in well under 15 s. */
export const STATIC_SITE_SHUTDOWN: ShutdownTiming = { preStopSeconds: ROUTER_DRAIN_SECONDS, drainSeconds: 15 };

/**
 * The backend: uvicorn waits UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN for open requests, then cancels what is
 * left (the event streams, up to an hour long, are cut) and runs the lifespan shutdown, 15 s more. 45 s is
 * a choice: the source bounds no request (exports build their body first, backoffice.py:349-405).
 */
export const BACKEND_GRACEFUL_SHUTDOWN_SECONDS = 45;
export const BACKEND_SHUTDOWN: ShutdownTiming = { preStopSeconds: ROUTER_DRAIN_SECONDS, drainSeconds: BACKEND_GRACEFUL_SHUTDOWN_SECONDS + 15 };

/**
 * The preStop hook: `sleep` in the container (/bin/sleep of coreutils, in both Debian-based images:
 * python:3.12-slim and nginx-unprivileged). Not the native `sleep` action: it is alpha and off in
 * Kubernetes 1.29 (PodLifecycleSleepAction, beta from 1.30), the oldest release we support.
 */
export function preStopLifecycle(timing: ShutdownTiming): k8s.Lifecycle {
  return { preStop: { exec: { command: ['sleep', String(timing.preStopSeconds)] } } };
}

export function terminationGracePeriod(timing: ShutdownTiming): number {
  return timing.preStopSeconds + timing.drainSeconds;
}
