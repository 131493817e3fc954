#!/usr/bin/env bash
# api.sh compares the module's exported API with the recorded baseline
# (api/baseline.export, the API of the last release) using golang.org/x/exp's
# apidiff:
#
#   bash scripts/api.sh          # report changes; exit 1 on an incompatible one
#   bash scripts/api.sh update   # record the current API as the baseline
#
# A compatible change (a new identifier) is reported and accepted. An
# incompatible one (a removed or changed identifier) fails the test command
# until the same change updates the baseline and says so in CHANGELOG.md:
# breaking users is a decision, never an accident.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo}"
APIDIFF_VERSION="v0.0.0-20261113113407-e3970619a1a4"
apidiff="golang.org/x/exp/cmd/apidiff@${APIDIFF_VERSION}"
module="$(go list -m)"
baseline="api/baseline.export"

case "${1:-check}" in
update)
	go run "${apidiff}" -m -w "${baseline}" "${module}"
	echo "api.sh: recorded the API of ${module} in ${baseline}"
	;;
check)
	if [[ ! -f "${baseline}" ]]; then
		echo "api.sh: no ${baseline}; record one with: bash scripts/api.sh update" >&2
		exit 1
	fi
	report="$(go run "${apidiff}" -m "${baseline}" "${module}")"
	if [[ -z "${report}" ]]; then
		echo "api.sh: the API matches ${baseline}"
		exit 0
	fi
	echo "api.sh: changes against ${baseline}:"
	echo "${report}"
	if grep -q '^Incompatible' <<<"${report}"; then
		echo "api.sh: incompatible changes: if they are intended, run 'bash scripts/api.sh update' and name them in CHANGELOG.md" >&2
		exit 1
	fi
	;;
*)
	echo "usage: bash scripts/api.sh [check|update]" >&2
	exit 2
	;;
esac
