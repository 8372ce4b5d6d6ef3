import type { DeliveryPipeline } from '../lib/delivery/update-manifest';

/**
 * How the application's build pipeline reaches the environments (npm run update-manifest, see
 * lib/delivery/update-manifest.ts for the payload it reads and the sources it rests on).
 *
 * - `application`: the `ORG` and `REPO` the application passes to the pipeline, which come back as
 *   client_payload.repo_org and repo_name (EPFL-ENAC/co2-calculator, .github/workflows/deploy.yml:29-30).
 * - `branches`: client_payload.branch -> environment. The pipeline sends `prod` for a git tag, `dev`
 *   for the dev (or develop) branch, `stage` and `test` for those branches
 *   (EPFL-ENAC/epfl-enac-build-push-deploy-action v3.0.7, .github/workflows/deploy.yml:370-392). `test`
 *   has no environment here, so its dispatches change nothing. Dev and staging follow branch builds
 *   and are pinned to the commit SHA; prod runs releases, tagged vX.Y.Z.
 */
export const PIPELINE: DeliveryPipeline = {
  application: { org: 'epfl', name: 'co2-calculator' },
  branches: {
    dev: { environment: 'dev', tag: 'commit' },
    stage: { environment: 'staging', tag: 'commit' },
    prod: { environment: 'prod', tag: 'release' },
  },
};
