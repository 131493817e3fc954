#!/usr/bin/env bash
# check-release.sh checks what a release depends on but no Go test sees;
# scripts/test.sh runs it.
#
#   1. The GitHub workflows, with actionlint (a Go tool, pinned below). It
#      runs without its shellcheck and pyflakes integrations so that it gives
#      the same answer everywhere: the runner has shellcheck, a laptop may
#      not.
#   2. dependabot.yml and the workflows' link to the README's test command and
#      to go.mod's Go version (scripts/check-github-config.go).
#   3. The examples' stripped binary sizes, built by scripts/build-examples.sh
#      for arm64 and x86_64 exactly as they ship, and the SAM Makefile builds
#      (examples/*/Makefile) as `sam build` runs them:
#        passthrough   <= 11 MB (11,000,000 bytes)  the library's own cost
#        every example <= 15 MB
#      docs/binary-size.md explains the budget and what it costs.
#
# Usage: scripts/check-release.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo}"
ACTIONLINT_VERSION="v1.7.12" # github.com/rhysd/actionlint, pinned
MB=1000000
PASSTHROUGH_MAX=$((11 * MB))
EXAMPLE_MAX=$((15 * MB))

echo "check-release: actionlint ${ACTIONLINT_VERSION}"
go run "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}" -shellcheck= -pyflakes=

echo "check-release: dependabot.yml and workflows"
go run scripts/check-github-config.go

echo "check-release: example binary sizes"
start=$(date +%s)
bash scripts/build-examples.sh
failed=0
check_size() { # check_size <what> <file> <limit in bytes>
	local size
	size=$(stat -c %s "$2")
	if ((size > $3)); then
		echo "check-release: $1 is ${size} bytes, over its budget of $3" >&2
		failed=1
	fi
}
for bin in dist/examples/.bin/*/*.d/bootstrap; do
	arch=$(basename "$(dirname "$(dirname "${bin}")")")
	name=$(basename "$(dirname "${bin}")" .d)
	limit=${EXAMPLE_MAX}
	[[ "${name}" == passthrough ]] && limit=${PASSTHROUGH_MAX}
	check_size "${name} (${arch})" "${bin}" "${limit}"
done
artifacts="$(mktemp -d)"
trap 'rm -rf "${artifacts}"' EXIT
for makefile in examples/*/Makefile; do
	[[ -e "${makefile}" ]] || continue
	name=$(basename "$(dirname "${makefile}")")
	mkdir -p "${artifacts}/${name}"
	# What `sam build` runs: the target build-<function logical id> with
	# ARTIFACTS_DIR set (every example template names its function Function).
	ARTIFACTS_DIR="${artifacts}/${name}" make -s --no-print-directory -f "${makefile}" build-Function
	check_size "${name} (SAM Makefile build)" "${artifacts}/${name}/bootstrap" "${EXAMPLE_MAX}"
done
echo "check-release: sizes checked in $(($(date +%s) - start))s"
exit "${failed}"
