# objectlambda-gateway: a static binary on a distroless base, run as a
# non-root user. docs/gateway.md ("Deploy") has the whole story.
#
#   docker build -t objectlambda-gateway:dev --build-arg VERSION=$(git describe --tags --always) .
#   docker run --rm -p 8080:8080 -p 9090:9090 \
#     -v $PWD/gateway.yaml:/etc/objectlambda-gateway/gateway.yaml:ro objectlambda-gateway:dev
#
# Pin both images by digest in production (FROM image:tag@sha256:...).

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
    -o /out/objectlambda-gateway ./cmd/objectlambda-gateway

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/objectlambda-gateway /usr/local/bin/objectlambda-gateway
# nonroot is uid/gid 65532 in distroless images.
USER 65532:65532
# 8080: the S3 endpoint of the access points; 9090: /metrics, /healthz, /readyz.
EXPOSE 8080 9090
ENTRYPOINT ["/usr/local/bin/objectlambda-gateway"]
CMD ["-config", "/etc/objectlambda-gateway/gateway.yaml"]
