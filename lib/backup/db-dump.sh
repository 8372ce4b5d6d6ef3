#!/usr/bin/env bash
# Dumps the CO2 Calculator database into the db-dumps volume; run by the db-dump CronJob.
#
# lib/backup/database-backup.ts puts this file, as it is, into the db-dump-script ConfigMap, so what
# runs in the cluster is exactly what shellcheck and the integration test (test/integration) check.
#
# Environment:
#   DB_URL             libpq connection URI of the database: postgresql://host:port/database with the
#                      user and password in it. It comes from a Secret and is never printed; the
#                      password reaches pg_dump as PGPASSWORD, never on its command line.
#   DUMP_DIR           folder of the dumps (where the db-dumps claim is mounted)
#   RETENTION_COUNT    how many dumps to keep, this run's included: a whole number from 1 to 999999999
#   JOB_DEADLINE_SECONDS  the Job's activeDeadlineSeconds: no run lives longer, so a temporary file
#                      last written longer ago than that was left by a run that was killed
#   MAX_USAGE_PERCENT  refuse to write when the volume is fuller than this, in percent (1 to 99)
#   PGCONNECT_TIMEOUT  seconds to wait for a connection to the server (default 10)
#
# A run dumps in pg_dump's custom format to a hidden temporary file, checks that pg_restore can read
# all of it, then renames it to db-<UTC start time>.dump (e.g. db-20261122T013000Z.dump). The rename
# is atomic, so a file with such a name is always a complete dump that was read back; a failed or
# interrupted run removes its temporary file. Only after that are the dumps beyond the newest
# RETENTION_COUNT removed, so a failing run never costs an existing dump. Nothing but files named like
# a dump is ever deleted. Any failure ends the run with a non-zero status.
#
# Before it writes, a run removes the temporary files of runs that were killed (SIGKILL leaves them:
# no trap runs) once they are older than the Job's deadline, and refuses to start on a volume fuller
# than MAX_USAGE_PERCENT: a dump that fills the volume fails anyway, after minutes of load on the
# database, and a full volume is better reported at once.
set -euo pipefail

# The glob below sorts dump names byte by byte, which for their fixed-width UTC times is oldest first.
LC_ALL=C
shopt -s nullglob
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"

log() { printf '%s db-dump: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() {
  printf '%s db-dump: error: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
  exit 1
}

partial='' # the temporary file while it exists
listing='' # pg_restore's table of contents of it
child=''   # the running pg_dump or pg_restore

on_exit() {
  local status=$?
  if [[ -n $partial && -e $partial ]]; then
    rm -f -- "$partial"
    log "removed the incomplete dump ${partial##*/}"
  fi
  if [[ -n $listing ]]; then rm -f -- "$listing"; fi
  if ((status != 0)); then log "failed (exit status $status)"; fi
}
# The container's first process ignores signals it has no handler for; with these, the Job's deadline
# or a node drain (SIGTERM) stops pg_dump or pg_restore and runs on_exit before the kubelet has to
# kill the pod.
on_signal() {
  log "received $1, stopping"
  if [[ -n $child ]]; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" || true
  fi
  exit "$2"
}
trap on_exit EXIT
trap 'on_signal SIGTERM 143' TERM
trap 'on_signal SIGINT 130' INT

# Runs a command in the background and waits for it, so that a signal reaches on_signal meanwhile (bash
# runs a trap only between commands); returns the command's status.
run() {
  "$@" &
  child=$!
  wait "$child"
  child=''
}

[[ -n ${DB_URL:-} ]] || fail 'DB_URL is not set'
# SQLAlchemy URLs (postgresql+asyncpg://...) name a Python driver; libpq does not understand them.
[[ ! $DB_URL =~ ^postgres(ql)?\+[^:/]*:// ]] || fail 'DB_URL names a SQLAlchemy driver (postgresql+<driver>://); pg_dump needs a libpq URI (postgresql://...)'
# The password leaves the URI for PGPASSWORD: a process's arguments are readable by every user of the
# node (/proc/<pid>/cmdline), its environment only by its own user. libpq reads the userinfo of a URI
# as "user[:password]@" before the first "/" (libpq conninfo_uri_parse_options), percent-encoded.
[[ $DB_URL =~ ^(postgres(ql)?://)([^@/]*@)?([^?#]*)(\?.*)?$ ]] || fail 'DB_URL is not a libpq URI (postgresql://...)'
uri_scheme=${BASH_REMATCH[1]} uri_userinfo=${BASH_REMATCH[3]%@} uri_rest=${BASH_REMATCH[4]} uri_query=${BASH_REMATCH[5]}
[[ ! $uri_query =~ [?\&]password= ]] || fail 'DB_URL has a password query parameter; give it in the userinfo before the host (user:password@)'
uri_user=${uri_userinfo%%:*}
if [[ $uri_userinfo == *:* ]]; then
  uri_password=${uri_userinfo#*:}
  # Percent-decoding: %XX -> \xXX, which printf %b expands; a backslash in the value is doubled first.
  uri_password=${uri_password//\\/\\\\}
  PGPASSWORD=$(printf '%b.' "${uri_password//%/\\x}")
  export PGPASSWORD=${PGPASSWORD%.}
fi
dump_url="$uri_scheme${uri_user:+$uri_user@}$uri_rest$uri_query"
unset DB_URL uri_userinfo uri_password
[[ -n ${DUMP_DIR:-} ]] || fail 'DUMP_DIR is not set'
[[ -d $DUMP_DIR ]] || fail "DUMP_DIR $DUMP_DIR is not a directory"
[[ -w $DUMP_DIR ]] || fail "DUMP_DIR $DUMP_DIR is not writable by uid $(id -u)"
[[ ${RETENTION_COUNT:-} =~ ^[1-9][0-9]{0,8}$ ]] || fail "RETENTION_COUNT must be a whole number from 1 to 999999999, not \"${RETENTION_COUNT:-}\""
[[ ${JOB_DEADLINE_SECONDS:-} =~ ^[1-9][0-9]{0,8}$ ]] || fail "JOB_DEADLINE_SECONDS must be a whole number of seconds from 1 to 999999999, not \"${JOB_DEADLINE_SECONDS:-}\""
[[ ${MAX_USAGE_PERCENT:-} =~ ^[1-9][0-9]?$ ]] || fail "MAX_USAGE_PERCENT must be a whole number from 1 to 99, not \"${MAX_USAGE_PERCENT:-}\""

# Temporary files of killed runs. Only runs of the last JOB_DEADLINE_SECONDS can still be writing (the
# Job's deadline ends every run; scheduled runs never overlap, concurrencyPolicy: Forbid), and a live
# run's file was written to since it started.
now=$(date +%s)
for stale in "$DUMP_DIR"/.db-*.partial.*; do
  [[ -f $stale ]] || continue
  age=$((now - $(stat -c %Y -- "$stale")))
  if ((age > JOB_DEADLINE_SECONDS)); then
    rm -f -- "$stale"
    log "removed ${stale##*/}, left by a run that was killed (last written ${age}s ago, the deadline is ${JOB_DEADLINE_SECONDS}s)"
  fi
done

# df -P: one line per file system, its fifth field the share used ("93%"), rounded up.
usage=$(df -P -- "$DUMP_DIR" | awk 'NR == 2 { sub(/%$/, "", $5); print $5 }')
[[ $usage =~ ^[0-9]+$ ]] || fail "could not read how full $DUMP_DIR is (df said \"$usage\")"
if ((usage > MAX_USAGE_PERCENT)); then
  fail "$DUMP_DIR is ${usage}% full, above the limit of ${MAX_USAGE_PERCENT}%: no dump written. Delete old dumps or grow the db-dumps claim"
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$DUMP_DIR/db-$stamp.dump"
[[ ! -e $final ]] || fail "${final##*/} already exists (another run started in the same second)"

log "$(pg_dump --version); dumping into $DUMP_DIR, keeping the newest $RETENTION_COUNT dumps"
partial=$(mktemp "$DUMP_DIR/.db-$stamp.partial.XXXXXX")
run pg_dump --format=custom --no-password --file="$partial" --dbname="$dump_url"

# --list reads only the table of contents; restoring to /dev/null reads and decompresses every entry,
# so a truncated or corrupt archive fails here. Both run like pg_dump, so SIGTERM stops them too.
listing=$(mktemp "${TMPDIR:-/tmp}/db-dump-list.XXXXXX")
run pg_restore --list --file="$listing" -- "$partial"
entries=$(awk '!/^;/ { n++ } END { print n + 0 }' "$listing")
run pg_restore --file=/dev/null -- "$partial"
# pg_dump has already flushed the file to disk (it does unless told --no-sync).
mv -- "$partial" "$final"
partial=''
log "wrote ${final##*/}: $(stat -c %s -- "$final") bytes, $entries archive entries, read back in full"

dumps=("$DUMP_DIR"/db-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z.dump)
excess=$((${#dumps[@]} - RETENTION_COUNT))
for ((i = 0; i < excess; i++)); do
  rm -f -- "${dumps[i]}"
  log "removed ${dumps[i]##*/} (older than the newest $RETENTION_COUNT)"
done
log "done: $((excess > 0 ? RETENTION_COUNT : ${#dumps[@]})) dumps in $DUMP_DIR"
