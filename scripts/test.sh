#!/usr/bin/env bash
# test.sh runs every check and test of the repository, on a fresh machine too:
# it installs the pinned test peers (versitygw, AWS's Lambda RIE) and the S3
# clients of the real-client suite when they are missing, then runs gofmt, go vet, staticcheck, the
# API comparison with the last release (scripts/api.sh), the race-enabled test suite
# (the end-to-end tests start and stop their own servers on 127.0.0.1), a short
# run of every fuzz target, the separate interop module, and the release
# checks (scripts/check-release.sh).
#
# Environment:
#   FUZZTIME   budget per fuzz target, as go test -fuzztime takes it (default
#              10000x: ten thousand inputs; 0 skips the fuzz pass). A count, not
#              a duration: with a duration, Go 1.26's fuzzing coordinator can
#              report "context deadline exceeded" as a failure when the time
#              runs out while a worker is busy (go.dev/issue/75804, fixed in
#              Go 1.27), and a loaded CI machine hits that race. A count has no
#              deadline to race.
#   TESTFLAGS  extra flags for go test (e.g. "-run TestGet -v")
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo}"
FUZZTIME="${FUZZTIME:-10000x}"
STATICCHECK_VERSION="v0.8.2" # honnef.co/go/tools, pinned

step() { printf '\n==> %s\n' "$*"; }

step "installing test peers (pinned)"
bash scripts/install-peers.sh
export OBJECTLAMBDATEST_VERSITYGW="${repo}/.peers/bin/versitygw"
export OBJECTLAMBDATEST_RIE="${repo}/.peers/bin/aws-lambda-rie"

step "installing the real-client suite's S3 clients (Debian packages)"
bash scripts/install-clients.sh

step "gofmt"
unformatted="$(gofmt -l $(git ls-files '*.go'))"
if [[ -n "${unformatted}" ]]; then
	echo "gofmt would change:"; echo "${unformatted}"; exit 1
fi

step "go vet"
go vet ./...

step "staticcheck ${STATICCHECK_VERSION}"
go run "honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}" ./...

step "API against the v0.1.0 baseline (apidiff)"
bash scripts/api.sh

step "go test -race"
# CI=true makes the end-to-end suite fail, never skip, when a peer is missing.
CI="${CI:-true}" go test -race -count=1 -timeout 15m ${TESTFLAGS:-} ./...

if [[ "${FUZZTIME}" != "0" && "${FUZZTIME}" != "0s" ]]; then
	step "fuzz targets, ${FUZZTIME} each"
	for pkg in $(go list ./...); do
		dir="$(go list -f '{{.Dir}}' "${pkg}")"
		for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "${dir}"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
			echo "fuzz ${pkg} ${target}"
			if ! out="$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "${FUZZTIME}" "${pkg}" 2>&1)"; then
				echo "${out}"
				exit 1
			fi
		done
	done
fi

if [[ -f encryption/internal/interop/go.mod ]]; then
	step "interop with the official S3 Encryption Client (separate module)"
	(cd encryption/internal/interop && go test -count=1 ./...)
fi

step "release checks: workflows, dependabot, example binary sizes"
bash scripts/check-release.sh

step "all checks passed"
