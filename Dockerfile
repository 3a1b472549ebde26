# contactd: build on the full Node image (native addons), run on the slim one.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY devices ./devices
COPY simulators ./simulators
COPY bench ./bench
COPY web ./web
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
# ffmpeg records the cameras; tini reaps ffmpeg children and forwards signals.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg tini \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --system contactd && useradd --system --gid contactd --home /var/lib/contactd contactd \
  && mkdir -p /var/lib/contactd && chown contactd:contactd /var/lib/contactd
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY package.json ./
COPY config ./config
RUN ln -s /app/dist/src/cli/main.js /usr/local/bin/contactd && chmod +x /app/dist/src/cli/main.js
ENV NODE_ENV=production \
    CONTACTD_CONFIG=/app/config/default.json \
    CONTACTD_DATA_DIR=/var/lib/contactd \
    CONTACTD_HTTP_HOST=0.0.0.0
VOLUME ["/var/lib/contactd"]
USER contactd
EXPOSE 8080 1883
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "contactd"]
CMD ["start"]
