import type { DeliveryPipeline } from '../lib/delivery/update-manifest';

/**
 * How the application's build pipeline reaches the environments (npm run update-manifest, see
 * lib/delivery/update-manifest.ts for the payload it reads and the sources it rests on).
 *
 * - `branches`: client_payload.branch -> environment. The pipeline sends `prod` for a git tag, `dev`
 *   for the dev (or develop) branch, `stage` and `test` for those branches
 *   (EPFL-ENAC/epfl-enac-build-push-deploy-action v3.0.7, .github/workflows/deploy.yml:370-392). `test`
 *   has no environment here, so its dispatches change nothing. Dev and staging follow branch builds
 *   and are pinned to the commit SHA; prod runs releases, tagged vX.Y.Z.
 * - `deployers`: per environment, who may deploy there. `repositories` are the `ORG`/`REPO` the
 *   application passes to the pipeline, which come back as client_payload.repo_org/repo_name
 *   (EPFL-ENAC/co2-calculator, .github/workflows/deploy.yml:29-30). `senders` are logins GitHub
 *   writes as the event's `sender.login`: the owner of the token the pipeline dispatches with (its
 *   `secrets.token`, docs/sources/delivery-dispatch.md); a GitHub App's token sends as `<app>[bot]`.
 *   The payload's own `triggered_by` is whatever the sender wrote, so it decides nothing.
 * - Prod's rules (docs/delivery.md, "Release dispatches"): always a pull request, never a lower
 *   version than it runs, every image accounted for, and only digests of a source commit staging ran.
 */
export const PIPELINE: DeliveryPipeline = {
  branches: {
    dev: { environment: 'dev', tag: 'commit' },
    stage: { environment: 'staging', tag: 'commit' },
    prod: { environment: 'prod', tag: 'release' },
  },
  deployers: {
    dev: { repositories: ['epfl/co2-calculator'], senders: ['epfl-enac-bot'] },
    staging: { repositories: ['epfl/co2-calculator'], senders: ['epfl-enac-bot'] },
    prod: {
      repositories: ['epfl/co2-calculator'],
      senders: ['epfl-enac-bot'],
      publish: 'pull-request',
      noDowngrade: true,
      complete: true,
      testedIn: 'staging',
    },
  },
};
