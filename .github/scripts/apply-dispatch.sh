#!/usr/bin/env bash
# Applies the repository_dispatch event of this workflow run and publishes the change
# (.github/workflows/update-manifest.yml runs it, after npm ci):
#
#   apply-dispatch.sh push           commit on main and push it
#   apply-dispatch.sh pull-request   commit on a new branch and open a pull request into main
#
# The event is read from the file GitHub names in $GITHUB_EVENT_PATH; no payload value passes through
# this script's command lines. `npm run update-manifest` writes environments/images/<env>.json and
# dist/ (all or nothing) and the commit message; a dispatch that changes nothing commits nothing.
#
# A push that main has moved past (another dispatch, a merge) is not rebased textually: dist/ is
# generated, and two changes to it (dist/README.md shows every environment) would conflict. Instead
# the dispatch is applied again on the new main, which is what a rebase means here, and pushed again,
# up to PUSH_ATTEMPTS times. npm ci runs again only if the new main changed package-lock.json.
#
# Settings (for tests): BASE_BRANCH (main), REMOTE (origin), PUSH_ATTEMPTS (5), RETRY_DELAY seconds (5).
set -euo pipefail

mode=${1:?usage: apply-dispatch.sh push|pull-request}
event=${GITHUB_EVENT_PATH:?GITHUB_EVENT_PATH must name the event file}
base=${BASE_BRANCH:-main}
remote=${REMOTE:-origin}
attempts=${PUSH_ATTEMPTS:-5}
delay=${RETRY_DELAY:-5}
message=$(mktemp)
trap 'rm -f "$message"' EXIT

git config user.name 'github-actions[bot]'
git config user.email '41898282+github-actions[bot]@users.noreply.github.com'
# The lock file node_modules was installed from (the workflow ran npm ci on the checkout).
installed_lock=$(git rev-parse HEAD:package-lock.json)

# Checks out the current tip of the base branch and applies the event to it; succeeds with a new
# commit on HEAD, or stops the script (exit 0) when the dispatch changes nothing.
apply_on_tip() {
  git fetch --quiet "$remote" "$base"
  git checkout --quiet --detach FETCH_HEAD
  local lock
  lock=$(git rev-parse HEAD:package-lock.json)
  if [ "$lock" != "$installed_lock" ]; then
    npm ci --ignore-scripts --no-audit --no-fund
    installed_lock=$lock
  fi
  npm run -s update-manifest -- --event "$event" --message-file "$message"
  git add --all -- environments dist
  if git diff --cached --quiet; then
    echo "nothing to commit: the dispatch changes nothing"
    exit 0
  fi
  git commit --quiet --file "$message"
}

case $mode in
  push)
    for attempt in $(seq 1 "$attempts"); do
      apply_on_tip
      if git push "$remote" "HEAD:refs/heads/$base"; then
        echo "pushed $(git rev-parse --short HEAD) to $base"
        exit 0
      fi
      echo "$base moved while this ran (attempt $attempt of $attempts): applying the dispatch again on the new $base"
      sleep "$((attempt * delay))"
    done
    echo "error: could not push to $base after $attempts attempts" >&2
    exit 1
    ;;
  pull-request)
    apply_on_tip
    branch="update-manifest/${GITHUB_RUN_ID:?}-${GITHUB_RUN_ATTEMPT:-1}"
    git push "$remote" "HEAD:refs/heads/$branch"
    body=$(mktemp)
    tail -n +3 "$message" >"$body"
    gh pr create --base "$base" --head "$branch" --title "$(head -n 1 "$message")" --body-file "$body"
    rm -f "$body"
    ;;
  *)
    echo "usage: apply-dispatch.sh push|pull-request" >&2
    exit 2
    ;;
esac
