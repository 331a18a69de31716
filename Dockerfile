# Builds the single executable, then ships it alone on a slim base.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/dist/chat2api /usr/local/bin/chat2api
WORKDIR /data
ENV DATA_DIR=/data PORT=5005 HOST=0.0.0.0 LOG_FORMAT=json
EXPOSE 5005
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/chat2api"]
