/** The NetworkPolicy evaluator, shared with the environment report (dist/README.md). */
export * from '../../lib/report/network-reachability';
