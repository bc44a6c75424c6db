#!/usr/bin/env bash
# Installs Grappe for production on Debian 12 or 13, or upgrades it: run it again, from the new code, to upgrade.
#   sudo scripts/install-production.sh --host grappe.example.org [--mail-from grappe@example.org --smtp-host ...]
# Asks nothing. In order (docs/operations.md says more):
#   1. Debian packages: Python, the PDF libraries, gettext, the PostgreSQL client (and server, for a local database)
#   2. the system user grappe and its directories (/var/lib/grappe: uploaded files, backups)
#   3. an upgrade stops the worker and the timers first
#   4. the code into /opt/grappe/src, the virtualenv /opt/grappe/venv from requirements/runtime.txt (hashes
#      checked; packages an older lock had and this one has not are removed)
#   5. /etc/grappe/grappe.env from deploy/grappe.env.template with a new secret key — never when it exists
#   6. a local PostgreSQL's role and database when they are missing
#   7. translations, static files, migrations, the shipped emission factors, the taxonomy (when there is none
#      yet), the sentence vectors of texts that have none
#   8. the systemd units (deploy/systemd), enabled and (re)started when systemd runs
#   9. manage.py check --deploy
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/install-production.sh [options]
  --host NAME            the site's host name (required the first time): allowed host, https://NAME as base URL
  --database-url URL     PostgreSQL (default postgres:///grappe: local, through the socket, as the system user)
  --mail-from ADDRESS    sender of Grappe's mail (default grappe@NAME)
  --smtp-host HOST       SMTP server (default localhost); its password, if any, in GRAPPE_SMTP_PASSWORD
  --smtp-port PORT       (default 25)
  --smtp-user USER
  --smtp-tls | --smtp-ssl  STARTTLS, or TLS from the start
  --cluster-name NAME    the cluster's name (government brief, partner clusters)
  (these only fill a new /etc/grappe/grappe.env; afterwards, edit that file)
  --pg-admin-url URL     connect there to create the role and the database (default: as the postgres system
                         user, when the database is on this machine)
  --db-template NAME     create a missing database as a copy of NAME (e.g. to try an upgrade on a copy)
  --source DIR           the code to install (default: the repository holding this script)
  --prefix DIR           code, virtualenv, static files (default /opt/grappe)
  --etc-dir DIR          grappe.env (default /etc/grappe)
  --state-dir DIR        uploaded files and backups (default /var/lib/grappe)
  --unit-dir DIR         systemd units (default /etc/systemd/system)
  --user NAME            the system user that runs Grappe (default grappe; created when missing)
  --venv DIR             use this existing virtualenv as it is (no pip)
  --no-apt               install no Debian package (say which are missing)
  --no-systemd           write the units but neither enable nor start them
  --quick                skip collectstatic and encode_texts (a test's install: the site has no static files)
EOF
}
die() { echo "install-production: $*" >&2; exit 1; }
step() { echo "==> $*"; }

host="" database_url="" mail_from="" smtp_host="" smtp_port="" smtp_user="" smtp_security="" cluster_name=""
pg_admin_url="" db_template="" source_dir="" venv=""
prefix=/opt/grappe etc_dir=/etc/grappe state_dir=/var/lib/grappe unit_dir=/etc/systemd/system user=grappe
use_apt=1 use_systemd=1 quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --host) host=${2:?}; shift ;;
    --database-url) database_url=${2:?}; shift ;;
    --mail-from) mail_from=${2:?}; shift ;;
    --smtp-host) smtp_host=${2:?}; shift ;;
    --smtp-port) smtp_port=${2:?}; shift ;;
    --smtp-user) smtp_user=${2:?}; shift ;;
    --smtp-tls) smtp_security=TLS ;;
    --smtp-ssl) smtp_security=SSL ;;
    --cluster-name) cluster_name=${2:?}; shift ;;
    --pg-admin-url) pg_admin_url=${2:?}; shift ;;
    --db-template) db_template=${2:?}; shift ;;
    --source) source_dir=${2:?}; shift ;;
    --prefix) prefix=${2:?}; shift ;;
    --etc-dir) etc_dir=${2:?}; shift ;;
    --state-dir) state_dir=${2:?}; shift ;;
    --unit-dir) unit_dir=${2:?}; shift ;;
    --user) user=${2:?}; shift ;;
    --venv) venv=${2:?}; shift ;;
    --no-apt) use_apt=0 ;;
    --no-systemd) use_systemd=0 ;;
    --quick) quick=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

source_dir=$(cd "${source_dir:-$(dirname "$0")/..}" && pwd)
if [ ! -f "$source_dir/manage.py" ] || [ ! -f "$source_dir/deploy/grappe.env.template" ]; then
  die "$source_dir does not hold Grappe's code"
fi
src=$prefix/src
static_dir=$prefix/static
bin_dir=$prefix/bin
env_file=$etc_dir/grappe.env
venv=${venv:-$prefix/venv}
# Someone else than root may install only for itself (a test, into a scratch directory).
[ "$(id -u)" = 0 ] || [ "$user" = "$(id -un)" ] || die "run it as root (or with --user $(id -un))"
systemd_runs=0
[ "$use_systemd" = 1 ] && [ -d /run/systemd/system ] && systemd_runs=1

# The value of VARIABLE in an environment file (quotes taken off), empty when it is not set there.
env_value() {
  sed -n "s/^$1=//p" "$2" | tail -n 1 | sed -e "s/^'\(.*\)'\$/\1/" -e 's/^"\(.*\)"$/\1/'
}
# Sets VARIABLE=value in an environment file (its line, or a new one), quoted when it needs it so that systemd
# and the shell read the same value.
set_env_value() {
  local file=$1 name=$2 value=$3
  case "$value" in
    *$'\n'*) die "$name cannot hold a line break" ;;
    *"'"*[\$\`\"\\]*|*[\$\`\"\\]*"'"*) die "$name cannot hold both a ' and one of \$ \` \" \\" ;;
    *"'"*) value="\"$value\"" ;;
    *[[:space:]\$\`\"\\\#]*) value="'$value'" ;;
  esac
  NAME=$name VALUE=$value awk 'BEGIN { n = ENVIRON["NAME"]; line = n "=" ENVIRON["VALUE"] }
    index($0, n "=") == 1 || index($0, "# " n "=") == 1 { if (!done) print line; done = 1; next }
    { print } END { if (!done) print line }' "$file" > "$file.new"
  mv "$file.new" "$file"
}

# --- 1. Debian packages -----------------------------------------------------------------------------------------
if [ -f "$env_file" ]; then database_url=$(env_value DATABASE_URL "$env_file"); fi
database_url=${database_url:-postgres:///grappe}
# Is the database on this machine (a socket, or localhost)?
database_is_local() {
  "${python:-python3}" - "$database_url" <<'PY'
import sys
from urllib.parse import unquote, urlsplit
url = urlsplit(sys.argv[1])
host = unquote(url.hostname or "")
sys.exit(0 if url.scheme in {"postgres", "postgresql", "pgsql"} and host in {"", "localhost", "127.0.0.1", "::1"}
         or host.startswith("/") else 1)
PY
}
debian_packages=(python3 python3-venv gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
                 postgresql-client ca-certificates)
if [ -z "$pg_admin_url" ] && command -v python3 >/dev/null && database_is_local; then
  debian_packages+=(postgresql)
fi
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$use_apt" = 1 ]; then
    [ "$(id -u)" = 0 ] || die "installing Debian packages needs root: ${missing[*]}"
    step "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "    (--no-apt: these Debian packages are missing: ${missing[*]})"
  fi
fi
# Debian's own Python first: the service user must be able to run it (not one under root's home).
python=""
for candidate in /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11 \
                 python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null \
      && "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info < (3, 14)))' 2>/dev/null; then
    python=$candidate; break
  fi
done
[ -n "$python" ] || die "Grappe needs Python 3.11 to 3.13"

# --- 2. The user and its directories ----------------------------------------------------------------------------
if ! id -u "$user" >/dev/null 2>&1; then
  step "Creating the system user $user"
  useradd --system --user-group --home-dir "$state_dir" --no-create-home --shell /usr/sbin/nologin "$user"
fi
group=$(id -gn "$user")
install -d -m 0755 "$prefix" "$bin_dir" "$static_dir"
install -d -m 0750 -g "$group" "$etc_dir"
install -d -m 0750 -o "$user" -g "$group" "$state_dir" "$state_dir/media" "$state_dir/backups"

# --- 3. An upgrade: the worker and the timers wait ----------------------------------------------------------------
timers=(grappe-daily.timer grappe-backup.timer grappe-federation.timer)
if [ "$systemd_runs" = 1 ] && [ -f "$unit_dir/grappe-worker.service" ]; then
  step "Stopping the worker and the timers (the web server keeps serving until the restart)"
  systemctl stop grappe-worker.service "${timers[@]}" grappe-federation.service grappe-daily.service || true
fi

# --- 4. The code and the virtualenv ------------------------------------------------------------------------------
step "Installing the code from $source_dir into $src"
rm -rf "$src.new" "$src.old"
mkdir -p "$src.new"
if git -C "$source_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # What git knows of (tracked, or new and not ignored): no virtualenv, databases or collected files.
  # shellcheck disable=SC2016  # $f is the inner shell's
  (cd "$source_dir" && git ls-files -z --cached --others --exclude-standard \
    | xargs -0 -r sh -c 'for f; do if [ -e "$f" ]; then printf "%s\0" "$f"; fi; done' sh \
    | tar --null --files-from=- -cf -) | tar --no-same-owner -xf - -C "$src.new"
  revision=$(git -C "$source_dir" rev-parse HEAD)
  git -C "$source_dir" diff --quiet HEAD 2>/dev/null || revision="$revision (with changes)"
  echo "$revision" > "$src.new/REVISION"
else
  tar -C "$source_dir" --exclude=./.git --exclude=./.venv --exclude=./var --exclude=./staticfiles \
    --exclude='__pycache__' --exclude='*.pyc' -cf - . | tar --no-same-owner -xf - -C "$src.new"
fi
chmod -R u=rwX,go=rX "$src.new"
if [ -d "$src" ]; then mv "$src" "$src.old"; fi
mv "$src.new" "$src"
rm -rf "$src.old"

lock=$src/requirements/runtime.txt
as_user() { if [ "$(id -un)" = "$user" ]; then "$@"; else runuser -u "$user" -- "$@"; fi; }
if [ "$venv" = "$prefix/venv" ]; then
  # None yet, or its Python went with a Debian upgrade, or the user cannot run it.
  if ! as_user "$venv/bin/python" -c '' 2>/dev/null; then
    step "Creating the virtualenv $venv with $python"
    rm -rf "$venv"
    "$python" -m venv "$venv"
  fi
  # The lock installed last, kept in the virtualenv: what it had and this one has not is removed.
  stamp=$venv/.grappe-runtime.txt
  if ! cmp -s "$lock" "$stamp"; then
    step "Installing Python packages ($lock, hashes checked)"
    locked() { [ -f "$1" ] && sed -n 's/^\([A-Za-z0-9][A-Za-z0-9._-]*\)\(\[[^]]*\]\)\{0,1\}==.*/\1/p' "$1" \
      | tr '[:upper:]' '[:lower:]' | sed 's/[_.]/-/g' | sort -u; }
    # (grep hides pip's notes about local package mirrors that this kind of machine may not have)
    "$venv/bin/pip" install -q --disable-pip-version-check --require-hashes -r "$lock" 2>&1 \
      | { grep -v "^WARNING: Location" || true; }
    gone=$(comm -23 <(locked "$stamp") <(locked "$lock"))
    if [ -n "$gone" ]; then
      step "Removing Python packages no longer locked: $(echo "$gone" | tr '\n' ' ')"
      echo "$gone" | xargs "$venv/bin/pip" uninstall -q -y
    fi
    cp "$lock" "$stamp"
  fi
else
  as_user "$venv/bin/python" -c '' || die "--venv $venv: no virtualenv there that $user can run"
  echo "    (using the virtualenv $venv as it is)"
fi
py=$venv/bin/python

# --- 5. The settings file ------------------------------------------------------------------------------------------
# The paths in the template, the units and the wrapper are the defaults; another layout replaces them.
# (Through markers, so that a path holding a default one, /srv/opt/grappe, is not replaced twice.)
render() {
  sed -e "s|/opt/grappe/venv|@VENV@|g" -e "s|/opt/grappe|@PREFIX@|g" -e "s|/etc/grappe|@ETC@|g" \
      -e "s|/var/lib/grappe|@STATE@|g" -e "s|^User=grappe\$|User=@USER@|" -e "s|^Group=grappe\$|Group=@GROUP@|" "$1" \
    | sed -e "s|@VENV@|$venv|g" -e "s|@PREFIX@|$prefix|g" -e "s|@ETC@|$etc_dir|g" -e "s|@STATE@|$state_dir|g" \
          -e "s|@USER@|$user|g" -e "s|@GROUP@|$group|g"
}
if [ -f "$env_file" ]; then
  echo "    $env_file is kept as it is (options such as --host only fill a new one)"
  new_names=$(comm -13 <(sed -n 's/^\([A-Z_]*\)=.*/\1/p' "$env_file" | sort -u) \
                       <(sed -n 's/^\([A-Z_]*\)=.*/\1/p' "$src/deploy/grappe.env.template" | sort -u) | tr '\n' ' ')
  [ -z "$new_names" ] || echo "    not in it, set in the new template (their defaults apply): $new_names"
else
  [ -n "$host" ] || die "--host is required the first time (the site's host name)"
  step "Writing $env_file (a new secret key)"
  render "$src/deploy/grappe.env.template" > "$env_file.new"
  set_env_value "$env_file.new" DJANGO_SECRET_KEY "$("$py" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  set_env_value "$env_file.new" DJANGO_ALLOWED_HOSTS "$host"
  set_env_value "$env_file.new" GRAPPE_BASE_URL "https://$host"
  set_env_value "$env_file.new" DATABASE_URL "$database_url"
  set_env_value "$env_file.new" DJANGO_DEFAULT_FROM_EMAIL "${mail_from:-grappe@$host}"
  [ -z "$smtp_host" ] || set_env_value "$env_file.new" DJANGO_EMAIL_HOST "$smtp_host"
  [ -z "$smtp_port" ] || set_env_value "$env_file.new" DJANGO_EMAIL_PORT "$smtp_port"
  [ -z "$smtp_user" ] || set_env_value "$env_file.new" DJANGO_EMAIL_HOST_USER "$smtp_user"
  [ -z "${GRAPPE_SMTP_PASSWORD:-}" ] || set_env_value "$env_file.new" DJANGO_EMAIL_HOST_PASSWORD "$GRAPPE_SMTP_PASSWORD"
  [ -z "$smtp_security" ] || set_env_value "$env_file.new" "DJANGO_EMAIL_USE_$smtp_security" 1
  [ -z "$cluster_name" ] || set_env_value "$env_file.new" GRAPPE_CLUSTER_NAME "$cluster_name"
  chmod 0640 "$env_file.new"
  chgrp "$group" "$env_file.new"
  mv "$env_file.new" "$env_file"
fi

# grappe-manage: manage.py with the settings, as the user (the units' environment, for an operator's commands too).
render /dev/stdin > "$bin_dir/grappe-manage.new" <<'EOF'
#!/bin/sh
# Grappe's manage.py with its settings (/etc/grappe/grappe.env), as its user: grappe-manage createsuperuser, ...
set -e
set -a; . /etc/grappe/grappe.env; set +a
cd /opt/grappe/src
[ "$(id -un)" = "@USER@" ] && exec /opt/grappe/venv/bin/python manage.py "$@"
exec runuser -u "@USER@" -- /opt/grappe/venv/bin/python manage.py "$@"
EOF
chmod 0755 "$bin_dir/grappe-manage.new"
mv "$bin_dir/grappe-manage.new" "$bin_dir/grappe-manage"
manage() { "$bin_dir/grappe-manage" "$@"; }
# The same settings, as root: what writes into the code and the static files, which the user may only read.
# shellcheck source=/dev/null
as_root_with_settings() { (set -a; . "$env_file"; set +a; cd "$src"; "$@"); }

# --- 6. The database -----------------------------------------------------------------------------------------------
database_url=$(env_value DATABASE_URL "$env_file")
if database_is_local; then
  admin=()
  if [ -n "$pg_admin_url" ]; then admin=(psql "$pg_admin_url")
  elif [ "$(id -u)" = 0 ] && id -u postgres >/dev/null 2>&1; then admin=(runuser -u postgres -- psql)
  fi
  if [ ${#admin[@]} -gt 0 ]; then
    # The role and the database the URL names (no role: the system user's, for peer authentication).
    mapfile -t parts < <("$python" - "$database_url" "$user" <<'PY'
from urllib.parse import unquote, urlsplit
import sys
url = urlsplit(sys.argv[1])
print(unquote(url.username or sys.argv[2]))
print(unquote(url.password or ""))
print(unquote(url.path.lstrip("/")))
PY
    )
    role=${parts[0]} password=${parts[1]} database=${parts[2]}
    sql() { "${admin[@]}" -X -q -tA -v ON_ERROR_STOP=1 -v role="$role" -v password="$password" \
              -v database="$database" -v template="$db_template" "$@"; }
    sql -c 'SELECT 1' >/dev/null || die "PostgreSQL does not answer (${admin[*]}): is it running?"
    if [ -z "$(echo "SELECT 1 FROM pg_roles WHERE rolname = :'role'" | sql)" ]; then
      step "Creating the PostgreSQL role $role"
      if [ -n "$password" ]; then echo "CREATE ROLE :\"role\" LOGIN PASSWORD :'password'" | sql
      else echo "CREATE ROLE :\"role\" LOGIN" | sql; fi
    fi
    if [ -z "$(echo "SELECT 1 FROM pg_database WHERE datname = :'database'" | sql)" ]; then
      step "Creating the PostgreSQL database $database${db_template:+ (a copy of $db_template)}"
      if [ -n "$db_template" ]; then echo "CREATE DATABASE :\"database\" OWNER :\"role\" TEMPLATE :\"template\"" | sql
      else echo "CREATE DATABASE :\"database\" OWNER :\"role\" ENCODING 'UTF8' TEMPLATE template0" | sql; fi
    fi
  else
    echo "    (no way to reach PostgreSQL as its administrator: the database must exist)"
  fi
else
  echo "    (the database is on another machine: it must exist, its role able to create tables in it)"
fi

# --- 7. Translations, static files, the database's schema and shipped data ----------------------------------------
step "Compiling translations"
as_root_with_settings "$py" manage.py compilemessages -v0 --ignore=.venv
as_root_with_settings "$py" -m compileall -q -j 0 grappe matching >/dev/null
if [ "$quick" = 0 ]; then
  step "Collecting static files into $static_dir"
  as_root_with_settings "$py" manage.py collectstatic --noinput -v0
fi
step "Migrating the database"
manage migrate --no-input --skip-checks
manage load_emission_factors --skip-checks
step "Loading the shipped taxonomy if there is none yet (it would undo the staff's edits otherwise)"
manage shell -v0 -c "
from django.core.management import call_command
from grappe.members.models import Capability
if not Capability.objects.exists():
    call_command('load_taxonomy')"
if [ "$quick" = 0 ]; then
  step "Encoding the texts that have no sentence vector yet"
  manage encode_texts --skip-checks
fi

# --- 8. The systemd units -----------------------------------------------------------------------------------------
step "Installing the systemd units into $unit_dir"
install -d -m 0755 "$unit_dir"
for unit in "$src"/deploy/systemd/grappe-*; do
  render "$unit" > "$unit_dir/$(basename "$unit")"
  chmod 0644 "$unit_dir/$(basename "$unit")"
done
if [ "$systemd_runs" = 1 ]; then
  step "Starting Grappe"
  systemctl daemon-reload
  systemctl enable grappe-web.service grappe-worker.service "${timers[@]}"
  systemctl restart grappe-web.service grappe-worker.service
  systemctl start "${timers[@]}"
  systemctl --no-pager --lines=0 status grappe-web.service grappe-worker.service || true
else
  echo "    systemd is not running here (or --no-systemd): nothing enabled nor started. Run, as $user, with the"
  echo "    environment of $env_file: $venv/bin/gunicorn --config $src/deploy/gunicorn.conf.py, and"
  echo "    $bin_dir/grappe-manage db_worker --worker-id grappe-worker-1; the timers' commands from cron."
fi

# --- 9. The settings, checked --------------------------------------------------------------------------------------
step "Checking the settings (manage.py check --deploy)"
manage check --deploy
echo "==> Grappe is installed: $(env_value GRAPPE_BASE_URL "$env_file") (revision: $(cat "$src/REVISION" 2>/dev/null || echo unknown))"
echo "    Next: the nginx site (deploy/nginx/grappe.conf), a staff account ($bin_dir/grappe-manage createsuperuser)."
