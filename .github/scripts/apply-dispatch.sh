#!/usr/bin/env bash
# Applies the repository_dispatch event of this workflow run, then publishes it, in two steps of one
# job (.github/workflows/update-manifest.yml), with the repository's checks between them:
#
#   apply-dispatch.sh apply     no token: npm run update-manifest on the checkout, commit locally;
#                               writes changed=true|false and publish=push|pull-request to $GITHUB_OUTPUT
#   apply-dispatch.sh publish   the only step with the write token (GH_TOKEN): push the checked commit
#                               to main, or to its own branch with a pull request into main
#
# The event is read from the file GitHub names in $GITHUB_EVENT_PATH; no payload value passes through
# this script's command lines. How the change reaches main is the command's decision (--publish-file:
# environments/pipeline.ts says prod is always a pull request), not the payload's create_pull_request.
#
# publish pushes exactly the commit the checks ran on, fast-forward only. When main has moved since
# the checkout (another dispatch, a merge), the push is refused; rather than apply the dispatch again
# with the token in reach (and unchecked), the same commit goes to a pull request whose body says so.
# A pull request opened with GITHUB_TOKEN starts no workflow, so publish also sets the commit status
# `ci` (the check the ruleset requires): the same checks as CI ran on that commit in this job.
#
# Settings (for tests): BASE_BRANCH (main), REMOTE (origin), STATE_DIR ($RUNNER_TEMP), GITHUB_OUTPUT.
set -euo pipefail

mode=${1:?usage: apply-dispatch.sh apply|publish}
base=${BASE_BRANCH:-main}
remote=${REMOTE:-origin}
state=${STATE_DIR:-${RUNNER_TEMP:?RUNNER_TEMP or STATE_DIR must name a folder outside the checkout}}
output=${GITHUB_OUTPUT:-/dev/null}
message=$state/update-manifest-message.txt
publish=$state/update-manifest-publish.txt

case $mode in
  apply)
    event=${GITHUB_EVENT_PATH:?GITHUB_EVENT_PATH must name the event file}
    rm -f "$message" "$publish"
    git config user.name 'github-actions[bot]'
    git config user.email '41898282+github-actions[bot]@users.noreply.github.com'
    npm run -s update-manifest -- --event "$event" --message-file "$message" --publish-file "$publish"
    git add --all -- environments dist
    if git diff --cached --quiet; then
      echo "nothing to commit: the dispatch changes nothing"
      echo "changed=false" >>"$output"
      exit 0
    fi
    git commit --quiet --file "$message"
    how=$(cat "$publish")
    case $how in push | pull-request) ;; *) echo "error: $publish says \"$how\", not push or pull-request" >&2; exit 1 ;; esac
    { echo "changed=true"; echo "publish=$how"; } >>"$output"
    echo "committed $(git rev-parse --short HEAD); it reaches $base by $how once the checks pass"
    ;;
  publish)
    token=${GH_TOKEN:?GH_TOKEN must hold the token that may push}
    how=$(cat "$publish")
    # The checkout keeps no credentials (persist-credentials: false): the token is given to this
    # push only, as the header actions/checkout itself would configure.
    auth="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$token" | base64 -w0)"
    push() { git -c "http.https://github.com/.extraheader=$auth" push "$remote" "$@"; }
    commit=$(git rev-parse HEAD)
    note=""
    if [ "$how" = push ]; then
      if push "HEAD:refs/heads/$base"; then
        echo "pushed $(git rev-parse --short HEAD) to $base"
        exit 0
      fi
      note="$base moved while this ran, so this commit (checked on its parent $(git rev-parse --short HEAD~1)) was not pushed; merge it, or re-run the workflow run to apply the dispatch on the new $base."
      echo "$note"
    fi
    branch="update-manifest/${GITHUB_RUN_ID:?}-${GITHUB_RUN_ATTEMPT:-1}"
    push "HEAD:refs/heads/$branch"
    if [ -n "${GITHUB_REPOSITORY:-}" ]; then
      gh api --silent "repos/$GITHUB_REPOSITORY/statuses/$commit" -f state=success -f context=ci \
        -f description='typecheck, npm test and the dist/ drift check passed in update-manifest' \
        -f target_url="${GITHUB_SERVER_URL:-https://github.com}/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
    fi
    body=$(mktemp)
    { if [ -n "$note" ]; then printf '%s\n\n' "$note"; fi; tail -n +3 "$message"; } >"$body"
    gh pr create --base "$base" --head "$branch" --title "$(head -n 1 "$message")" --body-file "$body"
    rm -f "$body"
    ;;
  *)
    echo "usage: apply-dispatch.sh apply|publish" >&2
    exit 2
    ;;
esac
