# rbench in a container, with the chart library embedded (so --report works):
#
#   docker build -t rbench .
#   docker run --rm -e REDIS_URL=redis://:SECRET@redis.example:6379/0 \
#     -v "$PWD/results:/work/results" --user "$(id -u):$(id -g)" \
#     rbench run --workload populate --keys 10000 --report
#
# or against compose's Redis (compose/docker-compose.redis.yml, profile bench):
#
#   docker compose -f compose/docker-compose.redis.yml --profile bench run --rm rbench
#
# Three stages: the chart library from the npm registry at the version and
# checksum the Makefile pins (deploy/deploy_test.go checks they agree), the
# static binary, and a distroless image holding only it (CA certificates
# included, for TLS targets; no shell, no redis-server: point it at a Redis).
# Every RUN works relative to its WORKDIR, so the test can replay the steps
# outside docker.

ARG GO_VERSION=1.26
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS assets
ARG ECHARTS_VERSION=5.5.1
ARG ECHARTS_SHA256=e84270bd0cd5bdf60fefc26d00c2a391cb2e81f4d26a7a9ee16185a54773a3cf
WORKDIR /assets
RUN npm pack --silent "echarts@${ECHARTS_VERSION}" >/dev/null \
 && tar -xzf "echarts-${ECHARTS_VERSION}.tgz" package/dist/echarts.min.js \
 && echo "${ECHARTS_SHA256}  package/dist/echarts.min.js" | sha256sum -c --quiet - \
 && mv package/dist/echarts.min.js echarts.min.js \
 && rm -rf package "echarts-${ECHARTS_VERSION}.tgz"

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /assets/echarts.min.js report/assets/echarts.min.js
ARG VERSION=docker
ARG COMMIT=unknown
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=${VERSION} -X main.commit=${COMMIT}" -o bin/rbench ./cmd/rbench \
 && ./bin/rbench --version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/rbench /usr/local/bin/rbench
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/rbench"]
CMD ["--help"]
