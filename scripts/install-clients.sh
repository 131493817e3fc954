#!/usr/bin/env bash
# install-clients.sh installs the S3 clients of the real-client suite
# (cmd/objectlambda-demo TestRealClients) from Debian's packages when they
# are missing: the AWS CLI v2 (awscli), boto3 (python3-boto3), rclone,
# s3cmd and curl. An AWS CLI v1 and a boto3 already installed elsewhere (a
# Python environment on PATH) are used as well. Needs root for apt-get; it
# does nothing when everything is there.
set -euo pipefail

missing=()
command -v /usr/bin/aws >/dev/null 2>&1 || missing+=(awscli)
/usr/bin/python3 -c 'import boto3' >/dev/null 2>&1 || missing+=(python3-boto3)
command -v rclone >/dev/null 2>&1 || missing+=(rclone)
command -v s3cmd >/dev/null 2>&1 || missing+=(s3cmd)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if ((${#missing[@]} == 0)); then
	exit 0
fi
echo "install-clients.sh: installing ${missing[*]}" >&2
if [[ "$(id -u)" != 0 ]]; then
	echo "install-clients.sh: need root to apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
