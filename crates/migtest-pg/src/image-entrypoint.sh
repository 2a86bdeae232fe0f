#!/bin/bash
# The entrypoint of the images `cargo xtask pg-image` builds: the contract of the official
# PostgreSQL image (POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB, POSTGRES_HOST_AUTH_METHOD,
# POSTGRES_INITDB_ARGS, their *_FILE variants, server flags as arguments) in an image that holds
# nothing but bash and the server, so only bash builtins are used here.
#
# Unlike the official image it runs as the postgres user from the start (there is no gosu to drop
# privileges with), and it has no /docker-entrypoint-initdb.d: migtest creates what it needs itself.
set -Eeuo pipefail

# `docker run IMAGE -c fsync=off` runs the server with those flags, as with the official image.
if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi

# Any other command runs as given (e.g. `docker run -it IMAGE bash`).
if [ "$1" != 'postgres' ]; then
	exec "$@"
fi

# file_env VAR [DEFAULT]: VAR, or the contents of the file named by VAR_FILE, or DEFAULT.
file_env() {
	local var="$1" file_var="${1}_FILE" default="${2:-}" value
	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
		printf >&2 'error: both %s and %s are set (but are exclusive)\n' "$var" "$file_var"
		exit 1
	fi
	value="$default"
	if [ -n "${!var:-}" ]; then
		value="${!var}"
	elif [ -n "${!file_var:-}" ]; then
		value="$(< "${!file_var}")"
	fi
	export "$var"="$value"
	unset "$file_var"
}

file_env POSTGRES_PASSWORD
file_env POSTGRES_USER postgres
file_env POSTGRES_DB "$POSTGRES_USER"
file_env POSTGRES_INITDB_ARGS
export POSTGRES_HOST_AUTH_METHOD="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
		printf >&2 '%s\n' \
			'error: the database is uninitialized and superuser password is not specified.' \
			'       Set POSTGRES_PASSWORD to a non-empty value for the superuser, or' \
			'       POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password.'
		exit 1
	fi

	# The password reaches initdb through a pipe, never a command line or a file on disk.
	pwfile=()
	if [ -n "$POSTGRES_PASSWORD" ]; then
		exec 3< <(printf '%s\n' "$POSTGRES_PASSWORD")
		pwfile=(--pwfile=/dev/fd/3)
	fi
	# UTF8 and the C locale: the image carries no locale data. POSTGRES_INITDB_ARGS comes last so
	# that it can override both; it is word-split as the official image does, through eval.
	# Without TZ, initdb finds the system's time zone by comparing it with every zone file, which
	# takes a second; the image's time zone is UTC, so say so (a TZ given to the container wins).
	eval 'TZ="${TZ:-UTC}" initdb --username="$POSTGRES_USER" "${pwfile[@]}" --encoding=UTF8 --locale=C --no-sync '"$POSTGRES_INITDB_ARGS"
	exec 3<&-

	printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"
	printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"

	if [ "$POSTGRES_DB" != 'postgres' ]; then
		# Single-user mode: no server listens yet, so nobody can connect before it is ready.
		printf 'CREATE DATABASE "%s";\n' "${POSTGRES_DB//\"/\"\"}" \
			| postgres --single -D "$PGDATA" -c listen_addresses= -c fsync=off postgres > /dev/null
	fi
	printf '\nPostgreSQL init process complete; ready for start up.\n\n'
fi

exec "$@"
