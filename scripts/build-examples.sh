#!/usr/bin/env bash
# build-examples.sh builds every example function under examples/ as a Lambda
# "provided.al2023" bootstrap for arm64 and x86_64, zips each one for
# deployment, and prints a size table:
#
#   dist/examples/<example>-<arch>.zip   (one file, "bootstrap", mode 0755)
#
# Builds are static (CGO_ENABLED=0), use -tags lambda.norpc (no net/rpc
# server in the binary), -trimpath, and -ldflags "-s -w" (no symbol table or
# DWARF). Zips carry a fixed timestamp, so identical code gives identical
# zips and `sam deploy` / `aws lambda update-function-code` see no change.
#
# Usage: scripts/build-examples.sh [example ...]   # default: all of them
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo}"
out="${repo}/dist/examples"

if [[ $# -gt 0 ]]; then
	names=("$@")
else
	names=()
	for main in examples/*/main.go; do
		names+=("$(basename "$(dirname "${main}")")")
	done
fi
pkgs=()
for n in "${names[@]}"; do
	[[ -f "examples/${n}/main.go" ]] || { echo "build-examples: no example named ${n}" >&2; exit 1; }
	pkgs+=("./examples/${n}")
done

zipone() { # zipone <dir containing bootstrap> <zip path>
	local dir="$1" zip="$2"
	chmod 0755 "${dir}/bootstrap"
	TZ=UTC touch -t 198001010000 "${dir}/bootstrap"
	rm -f "${zip}"
	if command -v zip >/dev/null; then
		(cd "${dir}" && zip -q -X -9 "${zip}" bootstrap)
	else
		(cd "${dir}" && python3 -m zipfile -c "${zip}" bootstrap)
	fi
}

rm -rf "${out}/.bin"
mkdir -p "${out}"
for arch in arm64 amd64; do
	label="${arch/amd64/x86_64}"
	bin="${out}/.bin/${label}"
	mkdir -p "${bin}"
	# One go build for all examples of an architecture: packages build in
	# parallel and share the compiled library.
	CGO_ENABLED=0 GOOS=linux GOARCH="${arch}" \
		go build -tags lambda.norpc -trimpath -ldflags="-s -w" -o "${bin}/" "${pkgs[@]}"
	for n in "${names[@]}"; do
		mkdir -p "${bin}/${n}.d"
		mv "${bin}/${n}" "${bin}/${n}.d/bootstrap"
		zipone "${bin}/${n}.d" "${out}/${n}-${label}.zip"
	done
done

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
size() { stat -c %s "$1"; }
printf '| example | arm64 binary | arm64 zip | x86_64 binary | x86_64 zip |\n'
printf '|---|---:|---:|---:|---:|\n'
for n in "${names[@]}"; do
	printf '| %s | %s | %s | %s | %s |\n' "${n}" \
		"$(mib "$(size "${out}/.bin/arm64/${n}.d/bootstrap")")" "$(mib "$(size "${out}/${n}-arm64.zip")")" \
		"$(mib "$(size "${out}/.bin/x86_64/${n}.d/bootstrap")")" "$(mib "$(size "${out}/${n}-x86_64.zip")")"
done
echo
echo "build-examples: zips in ${out#"${repo}/"}/"
