#!/usr/bin/env bash
# Dumps the CO2 Calculator database into the db-dumps volume; run by the db-dump CronJob.
#
# lib/backup/database-backup.ts puts this file, as it is, into the db-dump-script ConfigMap, so what
# runs in the cluster is exactly what shellcheck and the integration test (test/integration) check.
#
# Environment:
#   DB_URL             libpq connection URI of the database: postgresql://host:port/database with the
#                      user and password in it. It comes from a Secret and is never printed.
#   DUMP_DIR           folder of the dumps (where the db-dumps claim is mounted)
#   RETENTION_COUNT    how many dumps to keep, this run's included: a whole number from 1 to 999999999
#   PGCONNECT_TIMEOUT  seconds to wait for a connection to the server (default 10)
#
# A run dumps in pg_dump's custom format to a hidden temporary file, checks that pg_restore can read
# all of it, then renames it to db-<UTC start time>.dump (e.g. db-20261122T013000Z.dump). The rename
# is atomic, so a file with such a name is always a complete dump that was read back; a failed or
# interrupted run removes its temporary file. Only after that are the dumps beyond the newest
# RETENTION_COUNT removed, so a failing run never costs an existing dump. Nothing but files named like
# a dump is ever deleted. Any failure ends the run with a non-zero status.
set -euo pipefail

# The glob below sorts dump names byte by byte, which for their fixed-width UTC times is oldest first.
LC_ALL=C
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"

log() { printf '%s db-dump: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() {
  printf '%s db-dump: error: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
  exit 1
}

partial='' # the temporary file while it exists
child=''   # the running pg_dump

on_exit() {
  local status=$?
  if [[ -n $partial && -e $partial ]]; then
    rm -f -- "$partial"
    log "removed the incomplete dump ${partial##*/}"
  fi
  if ((status != 0)); then log "failed (exit status $status)"; fi
}
# The container's first process ignores signals it has no handler for; with these, the Job's deadline
# or a node drain (SIGTERM) stops pg_dump and runs on_exit before the kubelet has to kill the pod.
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

[[ -n ${DB_URL:-} ]] || fail 'DB_URL is not set'
# SQLAlchemy URLs (postgresql+asyncpg://...) name a Python driver; libpq does not understand them.
[[ ! $DB_URL =~ ^postgres(ql)?\+[^:/]*:// ]] || fail 'DB_URL names a SQLAlchemy driver (postgresql+<driver>://); pg_dump needs a libpq URI (postgresql://...)'
[[ -n ${DUMP_DIR:-} ]] || fail 'DUMP_DIR is not set'
[[ -d $DUMP_DIR ]] || fail "DUMP_DIR $DUMP_DIR is not a directory"
[[ -w $DUMP_DIR ]] || fail "DUMP_DIR $DUMP_DIR is not writable by uid $(id -u)"
[[ ${RETENTION_COUNT:-} =~ ^[1-9][0-9]{0,8}$ ]] || fail "RETENTION_COUNT must be a whole number from 1 to 999999999, not \"${RETENTION_COUNT:-}\""

stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$DUMP_DIR/db-$stamp.dump"
[[ ! -e $final ]] || fail "${final##*/} already exists (another run started in the same second)"

log "$(pg_dump --version); dumping into $DUMP_DIR, keeping the newest $RETENTION_COUNT dumps"
partial=$(mktemp "$DUMP_DIR/.db-$stamp.partial.XXXXXX")
# In the background, so that a signal reaches on_signal while pg_dump runs; `wait` returns its status.
pg_dump --format=custom --no-password --file="$partial" --dbname="$DB_URL" &
child=$!
wait "$child"
child=''

# --list reads only the table of contents; restoring to /dev/null reads and decompresses every entry,
# so a truncated or corrupt archive fails here.
entries=$(pg_restore --list -- "$partial" | awk '!/^;/ { n++ } END { print n + 0 }')
pg_restore --file=/dev/null -- "$partial"
# pg_dump has already flushed the file to disk (it does unless told --no-sync).
mv -- "$partial" "$final"
partial=''
log "wrote ${final##*/}: $(stat -c %s -- "$final") bytes, $entries archive entries, read back in full"

shopt -s nullglob
dumps=("$DUMP_DIR"/db-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z.dump)
excess=$((${#dumps[@]} - RETENTION_COUNT))
for ((i = 0; i < excess; i++)); do
  rm -f -- "${dumps[i]}"
  log "removed ${dumps[i]##*/} (older than the newest $RETENTION_COUNT)"
done
log "done: $((excess > 0 ? RETENTION_COUNT : ${#dumps[@]})) dumps in $DUMP_DIR"
