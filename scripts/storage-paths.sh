# Sourced by scripts/backup.sh and scripts/restore.sh: where the app keeps its
# data, from the app's environment with the defaults of config/settings.py.
# Sets database_url (PostgreSQL only), media_root, private_root, signing_file.
database_url="${DATABASE_URL:-}"
case "$database_url" in
  postgres://*|postgresql://*) ;;
  *) echo "$(basename "$0"): DATABASE_URL must name a PostgreSQL database (postgres://…); got '${database_url:-unset}'" >&2; exit 2 ;;
esac
var_dir="${VAR_DIR:-$PWD/var}"
media_root="${MEDIA_ROOT:-$var_dir/media}"
private_root="${PRIVATE_FILES_ROOT:-$var_dir/private}"
signing_file="${SIGNING_PKCS12:-$var_dir/signing/organisation.p12}"
