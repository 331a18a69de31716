# Builds the single executable, then ships it alone on a slim base, run as an unprivileged user.
#   docker build -t chat2api .
#   docker run -d --name chat2api -p 5005:5005 -v chat2api-data:/data --env-file chat2api.env --stop-timeout 30 chat2api
# --stop-timeout 30: on SIGTERM chat2api lets replies in flight finish for up to 20 s; Docker's default 10 s would
# SIGKILL them half-way.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 chat2api \
 && useradd --system --uid 10001 --gid chat2api --home-dir /data --no-create-home --shell /usr/sbin/nologin chat2api \
 && install -d -m 0700 -o chat2api -g chat2api /data
COPY --from=build /src/dist/chat2api /usr/local/bin/chat2api
WORKDIR /data
# the settings Bun reads only at start (its fetch cap, FTL off) set here rather than by the binary re-executing itself
# with them, which costs a second runtime start
ENV DATA_DIR=/data PORT=5005 HOST=0.0.0.0 LOG_FORMAT=json BUN_CONFIG_MAX_HTTP_REQUESTS=65535 BUN_JSC_useFTLJIT=0
EXPOSE 5005
# a named volume starts as a copy of /data (owned by chat2api); a bind mount must be writable by uid 10001
VOLUME ["/data"]
USER 10001:10001
STOPSIGNAL SIGTERM
# the binary asks its own /healthz (the image has no curl): exit 0 when it answers 200
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["/usr/local/bin/chat2api", "--healthcheck"]
ENTRYPOINT ["/usr/local/bin/chat2api"]
