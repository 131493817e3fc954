#!/usr/bin/env bash
# fuzz.sh is the long fuzzing budget: it runs every fuzz target (func FuzzXxx in
# a *_test.go file) of the module for a fixed time each. scripts/test.sh runs
# the same targets for ten thousand inputs each on every test run; run this
# one before a release, after changing a parser, or nightly.
#
# Go 1.26's fuzzing coordinator can fail a target with a bare "context
# deadline exceeded" when -fuzztime runs out while a worker is busy
# (go.dev/issue/75804, fixed in Go 1.27). Such a run found nothing: no input
# is written and the message is the whole failure. This script reports it
# as a deadline race and does not count it as a failing target; any other
# failure, or one that wrote an input, counts.
#
# A failing input is written by Go under <package>/testdata/fuzz/FuzzXxx/.
# Fix the bug, keep the file, and commit it: it then runs as a regression
# seed in every `go test`. The script lists such new files and exits non-zero
# when any target failed.
#
# Usage:
#   scripts/fuzz.sh                  # every target, 60s each
#   scripts/fuzz.sh 10m              # every target, 10 minutes each
#   scripts/fuzz.sh 30s ./presign/...  # only the targets of some packages
#
# It also runs the model-based test of the GetObject contracts
# (objectlambda TestModelGetObject) over MODEL_SCHEDULES generated schedules;
# scripts/test.sh runs 200.
#
# Environment:
#   FUZZ_PARALLEL    fuzzing workers per target (default: GOMAXPROCS). Set it to 1
#                    on a shared machine.
#   MODEL_SCHEDULES  schedules of the model-based test (default 5000; 0 skips it)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo}"

fuzztime="${1:-60s}"
shift || true
patterns=("$@")
if [[ ${#patterns[@]} -eq 0 ]]; then
	patterns=(./...)
fi
parallel=()
if [[ -n "${FUZZ_PARALLEL:-}" ]]; then
	parallel=(-parallel "${FUZZ_PARALLEL}")
fi

# deadline_race tells whether the output of a failed fuzz run ($1) is only
# Go's deadline race: "context deadline exceeded" right after the FAIL line,
# and no failing input written.
deadline_race() {
	[[ "$1" != *"Failing input written"* ]] &&
		grep -A1 -E '^--- FAIL: Fuzz' <<<"$1" | tail -n 1 | grep -qxE '[[:space:]]*context deadline exceeded'
}

failed=()
races=()
ran=0
start=$(date +%s)
for pkg in $(go list "${patterns[@]}"); do
	dir="$(go list -f '{{.Dir}}' "${pkg}")"
	targets="$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "${dir}"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u || true)"
	for target in ${targets}; do
		printf '\n==> %s %s (%s)\n' "${pkg}" "${target}" "${fuzztime}"
		ran=$((ran + 1))
		log="$(mktemp)"
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "${fuzztime}" "${parallel[@]}" "${pkg}" 2>&1 | tee "${log}"; then
			if deadline_race "$(cat "${log}")"; then
				races+=("${pkg} ${target}")
			else
				failed+=("${pkg} ${target}")
			fi
		fi
		rm -f "${log}"
	done
done

model="${MODEL_SCHEDULES:-5000}"
if [[ "${model}" != "0" ]]; then
	printf '\n==> objectlambda TestModelGetObject, %s schedules\n' "${model}"
	# The test prints the base seed; a failing schedule prints the seed that replays it.
	log="$(mktemp)"
	status=0
	OBJECTLAMBDA_MODEL_SCHEDULES="${model}" go test -run '^TestModelGetObject$' -count 1 -timeout 60m -v ./objectlambda >"${log}" 2>&1 || status=$?
	grep -Ev '^[[:space:]]*(=== |--- PASS|[{])' "${log}" | tail -n 100 || true
	rm -f "${log}"
	if [[ "${status}" != "0" ]]; then
		failed+=("objectlambda TestModelGetObject")
	fi
fi

printf '\n==> %d fuzz targets in %ds\n' "${ran}" "$(($(date +%s) - start))"
new_seeds="$(git status --porcelain --untracked-files=all -- '*testdata/fuzz/*' | sed 's/^...//' || true)"
if [[ -n "${new_seeds}" ]]; then
	echo "new or changed fuzz inputs (fix the bug, then commit them as regression seeds):"
	echo "${new_seeds}"
fi
if [[ ${#races[@]} -gt 0 ]]; then
	echo "stopped by Go's fuzztime deadline race (go.dev/issue/75804), nothing found:"
	printf '  %s\n' "${races[@]}"
fi
if [[ ${#failed[@]} -gt 0 ]]; then
	echo "failing targets:"
	printf '  %s\n' "${failed[@]}"
	exit 1
fi
echo "no failures"
