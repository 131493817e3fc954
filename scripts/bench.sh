#!/usr/bin/env bash
# bench.sh runs the benchmark suite and writes BENCHMARKS.md, in one command:
#
#   bash scripts/bench.sh            # writes BENCHMARKS.md at the repository root
#   bash scripts/bench.sh out.md     # writes elsewhere
#
# What it measures (each benchmark measures its own baseline in the same run,
# so compare the ratios, not the absolute times, across machines):
#   - identity GET throughput through objectlambda.Handler vs a raw loopback
#     copy of the same bytes (objectlambda BenchmarkGetObject), and end to end
#     through the local access point over versitygw with an SDK client
#     (objectlambdatest BenchmarkGetStream): ratio, time to first byte, and
#     peak heap growth / process RSS for 16 MiB, 256 MiB and 1 GiB objects;
#   - every built-in transform's MB/s and its cost relative to io.Copy;
#   - client-side encryption: decrypt / encrypt MB/s and a whole decrypting GET;
#   - the bootstrap binary of examples/passthrough: size, and its cold start
#     under AWS's Lambda Runtime Interface Emulator.
#
# It needs versitygw and the RIE (installed by scripts/install-peers.sh), about
# 3 GiB of free space under TMPDIR, and takes a few minutes. Run it on an
# otherwise idle machine.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo}"
out="${1:-BENCHMARKS.md}"

bash scripts/install-peers.sh >/dev/null
export OBJECTLAMBDATEST_VERSITYGW="${repo}/.peers/bin/versitygw"
export OBJECTLAMBDATEST_RIE="${repo}/.peers/bin/aws-lambda-rie"
export CI=true # the end-to-end benchmarks fail rather than skip without peers

raw="$(mktemp -d)"
trap 'rm -rf "${raw}"' EXIT

# bench NAME PACKAGE REGEX BENCHTIME [COUNT [FLAGS...]]: runs one benchmark
# set COUNT times (default 1) into ${raw}/NAME.txt.
bench() {
	local name="$1" pkg="$2" regex="$3" benchtime="$4" count="${5:-1}"
	shift $(($# < 5 ? $# : 5))
	echo "bench.sh: ${name} (${pkg} -bench '${regex}' -benchtime ${benchtime} -count ${count})" >&2
	go test -run '^$' -bench "${regex}" -benchtime "${benchtime}" -benchmem -count "${count}" -timeout 30m "$@" "${pkg}" \
		2>&1 | grep -E '^(Benchmark|ok|FAIL|---|panic)' >"${raw}/${name}.txt" || true
	if grep -qE '^(FAIL|--- FAIL|panic)' "${raw}/${name}.txt"; then
		cat "${raw}/${name}.txt" >&2
		echo "bench.sh: ${name} failed" >&2
		exit 1
	fi
}

# metric FILE NAME-REGEX UNIT: the value reported with UNIT on the first
# benchmark line whose name matches NAME-REGEX ("n/a" if none).
metric() {
	awk -v re="$2" -v unit="$3" '
		$1 ~ re { for (i = 3; i < NF; i++) if ($(i+1) == unit) { print $i; found = 1; exit } }
		END { if (!found) print "n/a" }' "$1"
}

# medians FILE: a markdown table with one row per benchmark name: the
# median of each metric over its runs, and the number of runs.
medians() {
	echo "| benchmark | runs | medians |"
	echo "|---|---|---|"
	awk '/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name)
		if (!(name in runs)) order[++n] = name
		runs[name]++
		for (i = 3; i + 1 <= NF; i += 2) {
			key = name SUBSEP $(i+1)
			if (!(key in cnt)) units[name] = units[name] (units[name] == "" ? "" : " ") $(i+1)
			vals[key, ++cnt[key]] = $i
		}
	}
	END {
		for (k = 1; k <= n; k++) {
			name = order[k]; m = ""
			u = split(units[name], us, " ")
			for (j = 1; j <= u; j++) {
				key = name SUBSEP us[j]; c = cnt[key]
				for (a = 1; a <= c; a++) v[a] = vals[key, a] + 0
				for (a = 2; a <= c; a++) for (b = a; b > 1 && v[b-1] > v[b]; b--) { t = v[b]; v[b] = v[b-1]; v[b-1] = t }
				med = (c % 2) ? v[(c+1)/2] : (v[c/2] + v[c/2+1]) / 2
				m = m (m == "" ? "" : " · ") sprintf("%.4g", med) " " us[j]
			}
			printf "| `%s` | %d | %s |\n", name, runs[name], m
		}
	}' "$1"
}

# table FILE: a markdown table of every benchmark line: name, then its metrics.
table() {
	echo "| benchmark | metrics |"
	echo "|---|---|"
	awk '/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name)
		m = ""
		for (i = 3; i + 1 <= NF; i += 2) m = m (m == "" ? "" : " · ") $i " " $(i+1)
		printf "| `%s` | %s |\n", name, m
	}' "$1"
}

bench getobject ./objectlambda '^BenchmarkGetObject$' 2x
bench stream ./objectlambda/objectlambdatest '^BenchmarkGetStream$' 1x
bench coldstart ./objectlambda/objectlambdatest '^BenchmarkColdStartRIE$' 5x
bench relay ./objectlambda/objectlambdatest '^BenchmarkRelay$' 3x
# The text transforms: 3 runs each (medians are reported), with the
# paired comparisons against the code they replaced (x-legacy).
bench transform-redact ./transform/redact '^Benchmark(Redact|RedactVsLegacy)$' 1s 3
bench transform-lines ./transform/lines '^Benchmark(Lines|LinesVsLegacy)$' 1s 3
bench transform-csvfilter ./transform/csvfilter '^Benchmark(Filter|FilterVsLegacy|ScanVsCSV)$' 1s 3
bench transform-jsonmask ./transform/jsonmask '^Benchmark(Mask|LegacyMask)$' 1s 3
for p in compress image; do
	bench "transform-${p}" "./transform/${p}" . 1s
done
# End to end, redact-pii against passthrough over the same 100 MiB, with
# the CPU profile of the run.
bench redact-pii ./examples/redact-pii '^BenchmarkRedactPII$' 9x 1 -cpuprofile "${raw}/redact-pii.prof" -o "${raw}/redact-pii.test"
bench encryption ./encryption '^Benchmark(Encrypt|Decrypt)$' 1s
bench encryption-memory ./encryption '^BenchmarkMemory256MiB$' 1x
bench cse-get ./objectlambda '^BenchmarkCSEGet$' 1s
bench presign ./presign . 1s
bench observability ./objectlambda/otelobjectlambda '^BenchmarkGetObject$' 1000x
bench observability-parts ./objectlambda/otelobjectlambda '^BenchmarkSpan$' 1s
bench observability-emf ./objectlambda/emf '^BenchmarkObserveRequest$' 1s
bench ranged-download ./cmd/objectlambda-demo '^BenchmarkRangedDownload$' 1x
# The gateway: identity GET through it vs versitygw directly, and 1 vs 3
# replicas behind a round-robin balancer.
bench gateway ./gateway '^BenchmarkGateway$' 3x
bench replicas ./gateway '^BenchmarkReplicas$' 2x

# Release-style bootstrap (stripped), next to the test build measured above.
bindir="${raw}/bin"
mkdir -p "${bindir}"
CGO_ENABLED=0 GOOS=linux go build -tags lambda.norpc -trimpath -ldflags='-s -w' -o "${bindir}/bootstrap" ./examples/passthrough
stripped_size="$(wc -c <"${bindir}/bootstrap")"
stripped_mib="$(awk -v b="${stripped_size}" 'BEGIN { printf "%.1f", b / 1048576 }')"

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
cpu="${cpu:-$(uname -p)}"
mem="$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown)"

g="${raw}/getobject.txt"
s="${raw}/stream.txt"
c="${raw}/coldstart.txt"
{
	cat <<EOF
# Benchmarks

Generated by \`bash scripts/bench.sh\` on $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD). Do not edit by hand.

Machine: $(nproc) CPUs ($cpu), ${mem} RAM, $(go version | awk '{print $3, $4}'), $(uname -sr).
Everything runs on loopback on one machine, and the CPUs are shared with the
load generator, the S3 server and the access point: **compare ratios, not
absolute times.** Each benchmark measures its own baseline in the same run.

How to read the ratios:

- \`ratio\`, \`x-loopback\`, \`x-direct\`: baseline time ÷ our time, i.e. the
  fraction of the baseline's throughput we reach (1.0 = no overhead).
- \`x-copy\`, \`x_of_io.Copy\`-style metrics of transforms: our time ÷ the time of
  an \`io.Copy\` of the same bytes (how many times slower than copying), except
  \`x_of_io.Copy\` in encryption, which is a throughput fraction like \`ratio\`.
- \`peak-heap-MiB\`: growth of the Go heap in use during the transfer, sampled
  every 5 ms; \`rss-MiB\`: the test process's peak resident set (access point,
  function and client together; versitygw is a separate process).

## Headline numbers

| what | 16 MiB | 256 MiB | 1 GiB |
|---|---|---|---|
| identity GET through \`objectlambda.Handler\` (TLS upstream, signed WGOR) vs raw loopback copy, \`ratio\` | $(metric "$g" 'size=16MiB' ratio) | – | $(metric "$g" 'size=1024MiB' ratio) |
| same, MB/s ours / baseline | $(metric "$g" 'size=16MiB' MB/s-ours) / $(metric "$g" 'size=16MiB' MB/s-baseline) | – | $(metric "$g" 'size=1024MiB' MB/s-ours) / $(metric "$g" 'size=1024MiB' MB/s-baseline) |
| same, peak heap growth (MiB) | $(metric "$g" 'size=16MiB' peak-heap-MiB) | – | $(metric "$g" 'size=1024MiB' peak-heap-MiB) |
| end to end (SDK → access point → function → versitygw), MB/s | $(metric "$s" 'size=16MiB' MB/s) | $(metric "$s" 'size=256MiB' MB/s) | $(metric "$s" 'size=1024MiB' MB/s) |
| end to end vs raw loopback HTTP copy, \`x-loopback\` | $(metric "$s" 'size=16MiB' x-loopback) | $(metric "$s" 'size=256MiB' x-loopback) | $(metric "$s" 'size=1024MiB' x-loopback) |
| end to end vs the same GET sent to versitygw directly, \`x-direct\` | $(metric "$s" 'size=16MiB' x-direct) | $(metric "$s" 'size=256MiB' x-direct) | $(metric "$s" 'size=1024MiB' x-direct) |
| end to end, peak heap growth (MiB) | $(metric "$s" 'size=16MiB' peak-heap-MiB) | $(metric "$s" 'size=256MiB' peak-heap-MiB) | $(metric "$s" 'size=1024MiB' peak-heap-MiB) |
| end to end, peak process RSS (MiB) | $(metric "$s" 'size=16MiB' rss-MiB) | $(metric "$s" 'size=256MiB' rss-MiB) | $(metric "$s" 'size=1024MiB' rss-MiB) |
| end to end, time to first byte (ms) | $(metric "$s" 'size=16MiB' ttfb-ms) | $(metric "$s" 'size=256MiB' ttfb-ms) | $(metric "$s" 'size=1024MiB' ttfb-ms) |

| bootstrap (\`examples/passthrough\`, provided.al2023) | value |
|---|---|
| binary size, release build (\`-trimpath -ldflags='-s -w'\`) | ${stripped_mib} MiB |
| binary size, test build (\`BuildBootstrap\`, not stripped) | $(metric "$c" ColdStart bootstrap-MiB) MiB |
| first GET under the RIE (includes process start and init) | $(metric "$c" ColdStart first-get-ms) ms |
| warm GET under the RIE | $(metric "$c" ColdStart warm-get-ms) ms |
| cold-start cost (first − warm) | $(metric "$c" ColdStart cold-start-ms) ms |
| access point start (versitygw + RIE) | $(metric "$c" ColdStart ap-start-ms) ms |

The RIE runs the bootstrap as a plain process: the cold start above is process
start and Go init, not a Lambda sandbox (Firecracker) start.

The GET path before and after its rebuild into stages (issue 13), measured
once with the two test binaries alternating (scripts/bench/getpath-before-after.txt):

\`\`\`
$(cat scripts/bench/getpath-before-after.txt)
\`\`\`

## Built-in transforms

Throughput in MB/s of input, and the cost relative to \`io.Copy\` of the same
bytes measured in the same run. The text transforms run 3 times and show
medians: \`cpu-MB/s\` is input bytes per second of CPU time of the
benchmark's thread (other work on a shared machine disturbs it less than
wall time), and \`x-legacy\` is the speed-up over the code each replaced
(kept in its package's legacy_test.go as the reference of a differential
fuzz target), measured in alternation with it on the same input, the
steadiest figure on a shared machine. In transform/redact, \`text\` is
prose with a sensitive value every 2 KiB, \`logs\` application logs with
one in 16 lines, and \`example\` the detectors of examples/redact-pii.

EOF
	for p in redact lines csvfilter jsonmask; do
		echo "### transform/${p}"
		echo
		medians "${raw}/transform-${p}.txt"
		echo
	done
	for p in compress image; do
		echo "### transform/${p}"
		echo
		table "${raw}/transform-${p}.txt"
		echo
	done
	cat <<EOF
### End to end: examples/redact-pii against passthrough

The same 100 MiB text object through two access points in one run (SDK
client → access point → function → versitygw), the GETs alternating: the
function as template.yaml configures it (e-mail, card, phone and SSN
detectors) and one without a transform. \`x-passthrough\`: the median over
the pairs of redact-pii's time ÷ passthrough's, with the lowest and highest.

EOF
	table "${raw}/redact-pii.txt"
	echo
	echo "CPU profile of that run (the whole test process; versitygw is another process), top entries:"
	echo
	echo '```'
	go tool pprof -top -nodecount 15 "${raw}/redact-pii.prof" 2>/dev/null | sed -n '/^Showing nodes/,$p'
	echo '```'
	echo
	echo "Before issue 17, the same benchmark and profile:"
	echo
	echo '```'
	cat scripts/bench/redact-pii-before.txt
	echo '```'
	echo
	cat <<EOF
## Client-side encryption (S3 Encryption Client formats)

EOF
	table "${raw}/encryption.txt"
	echo
	table "${raw}/encryption-memory.txt"
	echo
	echo "A whole GetObject through the handler, plain vs decrypting (\`x-plain\`: time ÷ the plain GET's):"
	echo
	table "${raw}/cse-get.txt"
	echo
	cat <<EOF
## Observability

The GET path with metrics, traces and logs off and on (see docs/observability.md
for the set-ups): medians per request and the median of paired differences to
"off" (\`*-extra-µs\`, \`*-overhead-%\`), for an upstream answering at once, after
1 ms and after 10 ms.

EOF
	table "${raw}/observability.txt"
	echo
	echo "The parts alone: one request's spans (\`BenchmarkSpan\`) and one EMF line:"
	echo
	table "${raw}/observability-parts.txt"
	echo
	table "${raw}/observability-emf.txt"
	echo
	cat <<EOF
## Ranged downloads of a length-changing output

The demo process (access point and function) while \`manager.Download\` fetches
a 100 MiB object in 5 MiB ranges, 5 at a time: passthrough, then redact with a
fixed mask (each range cut from the redacted output). Goal for redact: under
40 MiB peak RSS and nothing written to storage.

EOF
	table "${raw}/ranged-download.txt"
	echo
	cat <<EOF
## Gateway (cmd/objectlambda-gateway)

An identity GetObject through the gateway (an in-process function that
changes nothing) against the same GET sent to versitygw directly,
alternately in the same run (\`ratio\`: direct time ÷ gateway time, median of
the pairs; \`cpu-ratio\`: the same for the CPU time of this process and
versitygw; \`ttfb-added-p50-ms\`: the time to first byte the gateway adds;
\`peak-heap-MiB\`: the gateway's heap growth). Then 6 callers reading 64 MiB
objects through a round-robin balancer in front of 1 and 3 replicas, all in
one process on the same CPUs (\`x-1-replica\`). docs/gateway.md explains the
figures.

EOF
	table "${raw}/gateway.txt"
	echo
	table "${raw}/replicas.txt"
	echo
	echo "## All results"
	echo
	for name in getobject stream coldstart relay presign; do
		echo "### ${name}"
		echo
		table "${raw}/${name}.txt"
		echo
	done
	echo "Raw \`go test -bench\` output:"
	echo
	echo '```'
	cat "${raw}"/*.txt | grep '^Benchmark'
	echo '```'
} >"${out}"
echo "bench.sh: wrote ${out}" >&2
