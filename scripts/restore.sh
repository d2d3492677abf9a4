#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database of
# DATABASE_URL and the folders MEDIA_ROOT and PRIVATE_FILES_ROOT (same
# environment and defaults as the app), then check every file's SHA-256.
#
#   scripts/restore.sh BACKUP_DIR [--force]
#
# Refuses, changing nothing, when a checksum of the backup does not match,
# when the database already has tables or when a target folder is not empty;
# --force restores over them (the database's objects are dropped first, the
# files of the backup overwrite those of the same name). The database must
# exist (createdb); the app must be stopped meanwhile. The signing
# certificate is put back at SIGNING_PKCS12 unless a file is there already
# (--force replaces it). Afterwards run `python manage.py migrate` if the
# app's code is newer than the backup.
set -euo pipefail
umask 077
cd "$(dirname "$0")/.."

backup=""
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "restore.sh: unknown option $1" >&2; exit 2 ;;
    *) [ -z "$backup" ] || { echo "restore.sh: one backup folder only" >&2; exit 2; }; backup="$1"; shift ;;
  esac
done
[ -n "$backup" ] || { echo "usage: scripts/restore.sh BACKUP_DIR [--force]" >&2; exit 2; }
backup=$(cd "$backup" && pwd)

# shellcheck source=scripts/storage-paths.sh
source scripts/storage-paths.sh

say() { echo "restore.sh: $*" >&2; }

# 1. The backup is whole and unchanged.
for name in SHA256SUMS database.dump media.tar.gz private.tar.gz files.sha256; do
  [ -f "$backup/$name" ] || { say "$backup/$name is missing: not a complete backup"; exit 1; }
done
(cd "$backup" && sha256sum --check --quiet --strict SHA256SUMS) || { say "checksums of $backup do not match: nothing restored"; exit 1; }

# 2. The targets are empty unless --force.
tables=$(psql --no-psqlrc --tuples-only --no-align --dbname="$database_url" \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
not_empty() { [ -d "$1" ] && [ -n "$(find "$1" -mindepth 1 -print -quit)" ]; }
if [ "$force" = 0 ]; then
  problems=()
  [ "$tables" = 0 ] || problems+=("the database has $tables tables")
  not_empty "$media_root" && problems+=("$media_root is not empty")
  not_empty "$private_root" && problems+=("$private_root is not empty")
  if [ "${#problems[@]}" -gt 0 ]; then
    say "refusing: $(IFS=';'; echo "${problems[*]}"). Restore into an empty database and folders, or pass --force."
    exit 1
  fi
fi

# 3. The database, in one transaction: all of it or nothing.
clean=()
[ "$tables" = 0 ] || clean=(--clean --if-exists)
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction "${clean[@]}" \
  --dbname="$database_url" "$backup/database.dump"

# 4. The files, then every checksum.
mkdir -p "$media_root" "$private_root"
tar --extract --gzip --file="$backup/media.tar.gz" --directory="$media_root" --no-same-owner
tar --extract --gzip --file="$backup/private.tar.gz" --directory="$private_root" --no-same-owner
if [ -s "$backup/files.sha256" ]; then
  check=$(mktemp -d)
  trap 'rm -rf "$check"' EXIT
  ln -s "$media_root" "$check/media"
  ln -s "$private_root" "$check/private"
  (cd "$check" && sha256sum --check --quiet --strict "$backup/files.sha256") || { say "restored files do not match files.sha256"; exit 1; }
fi

# 5. The signing certificate.
if [ -f "$backup/signing.p12" ]; then
  if [ -e "$signing_file" ] && [ "$force" = 0 ]; then
    say "kept the existing $signing_file (the backup's copy is $backup/signing.p12; --force replaces it)"
  else
    mkdir -p "$(dirname "$signing_file")"
    cp "$backup/signing.p12" "$signing_file"
    chmod 600 "$signing_file"
  fi
fi

say "restored $backup: database, $(wc -l < "$backup/files.sha256") files checked"
