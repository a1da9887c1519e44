#!/usr/bin/env bash
# Installs the Debian packages the tests need, idempotently: Prometheus, which
# the traffic tests run (kurator up --prometheus). Nothing here is needed to
# run the local fleet itself.
set -euo pipefail

need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
if [ ${#need[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "the tests need the Debian packages: ${need[*]}; install them (apt-get install ${need[*]}) or run 'make setup' as root" >&2
	exit 1
fi
echo "installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# The package's service scripts must not try to start a daemon here.
policy=/usr/sbin/policy-rc.d
created_policy=
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
trap '[ -n "$created_policy" ] && rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
command -v prometheus >/dev/null
