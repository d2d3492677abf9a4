#!/usr/bin/env bash
# Back up everything the app keeps: the PostgreSQL database (pg_dump, custom
# format), the media folder (issued signed PDFs, rendered files, Giấy mời,
# attachments), the private files (contributions, booklets) and the signing
# certificate, with SHA-256 checksums. Restore with scripts/restore.sh.
#
#   scripts/backup.sh [--output DIR]
#
# Writes DIR/<UTC time>/ (DIR defaults to ./backups) holding
#   database.dump   pg_dump --format=custom of DATABASE_URL
#   media.tar.gz    MEDIA_ROOT
#   private.tar.gz  PRIVATE_FILES_ROOT
#   signing.p12     SIGNING_PKCS12, when that file exists (mode 0600)
#   files.sha256    SHA-256 of every file inside media/ and private/
#   info.txt        when, from where, versions
#   SHA256SUMS      SHA-256 of the files above (sha256sum -c SHA256SUMS)
# and prints the folder's path last.
#
# Reads the same environment as the app, with the same defaults:
# DATABASE_URL (PostgreSQL only), VAR_DIR, MEDIA_ROOT, PRIVATE_FILES_ROOT,
# SIGNING_PKCS12. The passphrase of the certificate is never written.
set -euo pipefail
umask 077
cd "$(dirname "$0")/.."

output=backups
while [ $# -gt 0 ]; do
  case "$1" in
    -o|--output) output="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "backup.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

# shellcheck source=scripts/storage-paths.sh
source scripts/storage-paths.sh

stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$output/$stamp"
if [ -e "$target" ]; then
  echo "backup.sh: $target exists already" >&2
  exit 1
fi
mkdir -p "$output"
work="$output/.$stamp.partial"  # renamed to $target when complete
mkdir "$work"
trap 'rm -rf "$work"' EXIT

# 1. The database: one consistent snapshot (pg_dump runs in one transaction).
pg_dump --format=custom --compress=6 --no-owner --no-privileges --dbname="$database_url" --file="$work/database.dump"

# 2. Files: the checksums of every file first, then the archives.
checksum_tree() {  # prefix folder
  local prefix="$1" folder="$2"
  [ -d "$folder" ] || return 0
  (cd "$folder" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) \
    | sed "s|  \./|  $prefix/|"
}
archive_tree() {  # folder archive
  if [ -d "$1" ]; then
    tar --create --gzip --file="$2" --directory="$1" --numeric-owner .
  else
    tar --create --gzip --file="$2" --files-from=/dev/null
  fi
}
{ checksum_tree media "$media_root"; checksum_tree private "$private_root"; } > "$work/files.sha256"
archive_tree "$media_root" "$work/media.tar.gz"
archive_tree "$private_root" "$work/private.tar.gz"

# 3. The signing certificate (the passphrase stays in the environment).
if [ -f "$signing_file" ]; then
  cp "$signing_file" "$work/signing.p12"
  chmod 600 "$work/signing.p12"
fi

# 4. What this is, and the checksums of the backup itself.
{
  echo "created: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(hostname)"
  echo "database: $(printf '%s' "$database_url" | sed -E 's|://([^:@/]+):[^@/]*@|://\1:***@|')"
  echo "pg_dump: $(pg_dump --version)"
  echo "media_root: $media_root"
  echo "private_files_root: $private_root"
  echo "signing_pkcs12: $signing_file$([ -f "$work/signing.p12" ] || echo ' (absent, not backed up)')"
  echo "files: $(wc -l < "$work/files.sha256")"
  if git rev-parse --short HEAD >/dev/null 2>&1; then echo "app_commit: $(git rev-parse HEAD)"; fi
} > "$work/info.txt"
(cd "$work" && sha256sum -- *.dump *.tar.gz files.sha256 info.txt $([ -f signing.p12 ] && echo signing.p12) > SHA256SUMS)

mv "$work" "$target"
echo "$target"
