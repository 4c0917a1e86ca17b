# env.sh - sourced by the integration runner and the demo.
#
# Given MRT_DIR (the run's temp dir: server in $MRT_DIR, syslog in
# $MRT_DIR/syslog), exports everything the tests and clients need.  The port
# is read from $MRT_DIR/port, so source this after `server start`.
# shellcheck shell=bash

if [ -z "${MRT_DIR:-}" ]; then
	echo "env.sh: MRT_DIR is not set" >&2
	# shellcheck disable=SC2317 # exit only when executed, not sourced
	return 1 2>/dev/null || exit 1
fi

MRT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

export MRT_DIR MRT_ROOT
export MRT_HOST=127.0.0.1
export MRT_PORT
MRT_PORT=$(cat "$MRT_DIR/port" 2>/dev/null || echo "")
export MRT_SOCKET=$MRT_DIR/mysqld.sock
export MRT_SYSLOG_SOCKET=$MRT_DIR/syslog/log.sock
export MRT_SYSLOG_FILE=$MRT_DIR/syslog/messages
export MRT_APP_USER=app
export MRT_APP_PASSWORD=Xq7-app-secret
export MRT_DB=apptest
export MRT_ADMIN_USER=admin
export MRT_ADMIN_PASSWORD=Xq7-admin-secret
# A caller may point MRT_SHIM at a sanitizer build (a space-separated preload list).
export MRT_SHIM=${MRT_SHIM:-$MRT_ROOT/build/libmysqlreconnect.so}
export MRT_BIN=$MRT_ROOT/build/tests
export MRT_SERVER=$MRT_ROOT/tests/harness/server
export MRT_SYSLOG=$MRT_ROOT/tests/harness/syslog
export MRT_WRAPPER=$MRT_ROOT/build/mysql-reconnect
