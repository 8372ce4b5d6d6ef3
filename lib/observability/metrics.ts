/**
 * The metric contract: every series our alerts and dashboards read, named once, with where it comes
 * from. Names are as Prometheus stores them, after the OpenTelemetry Collector's Prometheus exporter
 * translated them (dots become underscores, the unit is appended, counters end in `_total`), and with
 * resource attributes turned into labels (`resource_to_telemetry_conversion`).
 *
 * Sources:
 *  - `backend`    the FastAPI app's OpenTelemetry SDK (OTLP to the collector). HTTP metrics follow the
 *                 stable HTTP semantic conventions because the backend runs with
 *                 OTEL_SEMCONV_STABILITY_OPT_IN=http (seconds, `http_response_status_code`).
 *  - `spanmetrics` the collector's spanmetrics connector, which turns the backend's spans (database
 *                 client spans included) into call counts and duration histograms.
 *  - `postgresql` the collector's postgresql receiver, logged in with a read-only monitoring role
 *                 (Secret `db-monitoring`); the managed database has no exporter of its own.
 *  - `httpcheck`  the collector's httpcheck receiver probing https://<host>/ as users reach it.
 *  - `platform`   OpenShift cluster monitoring (kube-state-metrics, cAdvisor, kubelet), queryable from
 *                 user-workload rules and dashboards through Thanos.
 *
 * Collector metrics carry the scrape target's `namespace` label; platform metrics carry `namespace`
 * natively. Every expression we write filters on it.
 */
export interface MetricSpec {
  readonly name: string;
  readonly source: 'backend' | 'spanmetrics' | 'postgresql' | 'httpcheck' | 'platform' | 'collector';
  readonly type: 'counter' | 'gauge' | 'histogram';
  /** Labels our expressions use, besides `namespace`. */
  readonly labels: readonly string[];
  readonly description: string;
}

export const METRICS = {
  httpServerRequestDuration: {
    name: 'http_server_request_duration_seconds',
    source: 'backend',
    type: 'histogram',
    labels: ['http_request_method', 'http_response_status_code', 'http_route', 'service_name'],
    description: 'Duration of HTTP requests served by the backend (semconv http.server.request.duration).',
  },
  httpServerActiveRequests: {
    name: 'http_server_active_requests',
    source: 'backend',
    type: 'gauge',
    labels: ['http_request_method', 'service_name'],
    description: 'Requests in flight in the backend. The app exports no session metric: this is the closest measure of active users.',
  },
  dbClientConnectionsUsage: {
    name: 'db_client_connections_usage',
    source: 'backend',
    type: 'gauge',
    labels: ['state', 'pool_name', 'service_name'],
    description: 'SQLAlchemy pool connections by state (used, idle) (semconv db.client.connections.usage).',
  },
  spanDuration: {
    name: 'traces_span_metrics_duration_seconds',
    source: 'spanmetrics',
    type: 'histogram',
    labels: ['span_name', 'span_kind', 'status_code', 'service_name', 'db_system'],
    description: 'Duration of spans; database client spans have db_system="postgresql" and span_kind="SPAN_KIND_CLIENT".',
  },
  spanCalls: {
    name: 'traces_span_metrics_calls_total',
    source: 'spanmetrics',
    type: 'counter',
    labels: ['span_name', 'span_kind', 'status_code', 'service_name', 'db_system'],
    description: 'Number of spans, by outcome (status_code="STATUS_CODE_ERROR" for failures).',
  },
  postgresqlBackends: {
    name: 'postgresql_backends',
    source: 'postgresql',
    type: 'gauge',
    labels: ['postgresql_database_name'],
    description: 'Server connections per database. Present only while the collector can log in: its absence is a connection failure.',
  },
  postgresqlConnectionMax: {
    name: 'postgresql_connection_max',
    source: 'postgresql',
    type: 'gauge',
    labels: [],
    description: 'max_connections of the server.',
  },
  postgresqlDatabaseSize: {
    name: 'postgresql_db_size_bytes',
    source: 'postgresql',
    type: 'gauge',
    labels: ['postgresql_database_name'],
    description: 'Size of each database.',
  },
  postgresqlTableSize: {
    name: 'postgresql_table_size_bytes',
    source: 'postgresql',
    type: 'gauge',
    labels: ['postgresql_database_name', 'postgresql_table_name'],
    description: 'Disk space used by each table.',
  },
  postgresqlIndexScans: {
    name: 'postgresql_index_scans_total',
    source: 'postgresql',
    type: 'counter',
    labels: ['postgresql_database_name', 'postgresql_table_name', 'postgresql_index_name'],
    description: 'Index scans started on each index.',
  },
  postgresqlIndexSize: {
    name: 'postgresql_index_size_bytes',
    source: 'postgresql',
    type: 'gauge',
    labels: ['postgresql_database_name', 'postgresql_table_name', 'postgresql_index_name'],
    description: 'Disk space used by each index.',
  },
  postgresqlRows: {
    name: 'postgresql_rows',
    source: 'postgresql',
    type: 'gauge',
    labels: ['postgresql_database_name', 'postgresql_table_name', 'state'],
    description: 'Live and dead rows of each table.',
  },
  tlsCertificateRemaining: {
    name: 'httpcheck_tls_cert_remaining_seconds',
    source: 'httpcheck',
    type: 'gauge',
    labels: ['http_url'],
    description: 'Seconds until the certificate served on the public host expires (negative once expired).',
  },
  deploymentReplicasAvailable: {
    name: 'kube_deployment_status_replicas_available',
    source: 'platform',
    type: 'gauge',
    labels: ['deployment'],
    description: 'Available replicas of each Deployment.',
  },
  deploymentReplicasSpec: {
    name: 'kube_deployment_spec_replicas',
    source: 'platform',
    type: 'gauge',
    labels: ['deployment'],
    description: 'Desired replicas of each Deployment.',
  },
  containerCpuUsage: {
    name: 'container_cpu_usage_seconds_total',
    source: 'platform',
    type: 'counter',
    labels: ['pod', 'container'],
    description: 'CPU time used by each container.',
  },
  containerMemoryWorkingSet: {
    name: 'container_memory_working_set_bytes',
    source: 'platform',
    type: 'gauge',
    labels: ['pod', 'container'],
    description: 'Working-set memory of each container: what the OOM killer compares with the limit.',
  },
  containerResourceLimits: {
    name: 'kube_pod_container_resource_limits',
    source: 'platform',
    type: 'gauge',
    labels: ['pod', 'container', 'resource'],
    description: 'Limits of each container (resource="cpu" in cores, resource="memory" in bytes).',
  },
  containerNetworkReceive: {
    name: 'container_network_receive_bytes_total',
    source: 'platform',
    type: 'counter',
    labels: ['pod'],
    description: 'Bytes received by each pod.',
  },
  containerNetworkTransmit: {
    name: 'container_network_transmit_bytes_total',
    source: 'platform',
    type: 'counter',
    labels: ['pod'],
    description: 'Bytes sent by each pod.',
  },
  containerRestarts: {
    name: 'kube_pod_container_status_restarts_total',
    source: 'platform',
    type: 'counter',
    labels: ['pod', 'container'],
    description: 'Restarts of each container.',
  },
  containerLastTerminatedReason: {
    name: 'kube_pod_container_status_last_terminated_reason',
    source: 'platform',
    type: 'gauge',
    labels: ['pod', 'container', 'reason'],
    description: 'Why each container last terminated (reason="OOMKilled" for out-of-memory kills).',
  },
  volumeUsedBytes: {
    name: 'kubelet_volume_stats_used_bytes',
    source: 'platform',
    type: 'gauge',
    labels: ['persistentvolumeclaim'],
    description: 'Bytes used on each mounted PersistentVolumeClaim (db-dumps included).',
  },
  volumeCapacityBytes: {
    name: 'kubelet_volume_stats_capacity_bytes',
    source: 'platform',
    type: 'gauge',
    labels: ['persistentvolumeclaim'],
    description: 'Capacity of each mounted PersistentVolumeClaim.',
  },
  cronJobInfo: {
    name: 'kube_cronjob_info',
    source: 'platform',
    type: 'gauge',
    labels: ['cronjob'],
    description: 'One series per CronJob while it exists (kube-state-metrics).',
  },
  cronJobLastSuccessfulTime: {
    name: 'kube_cronjob_status_last_successful_time',
    source: 'platform',
    type: 'gauge',
    labels: ['cronjob'],
    description: 'Unix time of the last successful Job of each CronJob (status.lastSuccessfulTime); absent until one succeeds.',
  },
  jobStatusFailed: {
    name: 'kube_job_status_failed',
    source: 'platform',
    type: 'gauge',
    labels: ['job_name', 'reason'],
    description:
      'Failed pods of each Job. Once the Job has failed for good (a Failed condition: backoff limit or deadline), ' +
      'one series per known reason, 1 for the actual one; while it still retries, no series (kube-state-metrics v2.10 internal/store/job.go).',
  },
  jobOwner: {
    name: 'kube_job_owner',
    source: 'platform',
    type: 'gauge',
    labels: ['job_name', 'owner_kind', 'owner_name'],
    description: 'The owner of each Job: a CronJob\'s runs, ad-hoc ones made with `oc create job --from=cronjob/...` included, have owner_kind="CronJob".',
  },
  jobStartTime: {
    name: 'kube_job_status_start_time',
    source: 'platform',
    type: 'gauge',
    labels: ['job_name'],
    description: 'Unix time each Job started.',
  },
  scrapeUp: {
    name: 'up',
    source: 'collector',
    type: 'gauge',
    labels: ['service'],
    description: 'Whether Prometheus reached the collector\'s metrics endpoint (1) or not (0).',
  },
} as const satisfies Record<string, MetricSpec>;
