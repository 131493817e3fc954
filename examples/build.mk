# build.mk is the `sam build` recipe every example's Makefile includes
# (template.yaml: Metadata BuildMethod: makefile). SAM runs the target
# build-<logical id> with ARTIFACTS_DIR set.
#
# Why not SAM's go1.x build method: it runs a bare `go build`, which takes no
# build tags and no linker flags. The functions are built as
# scripts/build-examples.sh builds them: lambda.norpc (no RPC server for the
# retired go1.x runtime), grpcnotrace (gRPC, linked by the OpenTelemetry
# exporter of the observability example, otherwise disables the linker's
# dead-method elimination: 21.4 MB instead of 13.3 MB), stripped, for arm64
# (the templates' architecture). See docs/binary-size.md.
#
# The build runs in the example's directory, not in SAM's scratch copy of
# it, because the Go module (go.mod) is at the repository root.
example := $(dir $(abspath $(firstword $(MAKEFILE_LIST))))

build-Function:
	cd "$(example)" && CGO_ENABLED=0 GOOS=linux GOARCH=arm64 \
		go build -tags lambda.norpc,grpcnotrace -trimpath -ldflags="-s -w" -o "$(ARTIFACTS_DIR)/bootstrap" .

.PHONY: build-Function
