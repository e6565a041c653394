# The Stocktake collector from its release archive (pnpm build), on Node.js 22.
#   pnpm build
#   docker build -t stocktake-collector .
# See docs/docker.md.
FROM node:22-bookworm-slim

# The linux-x64 archive `pnpm build` writes (dist/release/stocktake-<version>-linux-x64.tar.gz),
# whose one folder holds the launchers bin/stocktake-collector and bin/stocktake (run by the node
# on PATH) and lib/ (the bundles, migrations and better-sqlite3 for Node 22 and 24).
ARG VERSION=0.1.0
ARG ARCHIVE=dist/release/stocktake-${VERSION}-linux-x64.tar.gz

# ADD unpacks a local .tar.gz.
ADD ${ARCHIVE} /opt/
RUN ln -s /opt/stocktake-${VERSION}-linux-x64 /opt/stocktake \
 && ln -s /opt/stocktake/bin/stocktake-collector /usr/local/bin/stocktake-collector \
 && ln -s /opt/stocktake/bin/stocktake /usr/local/bin/stocktake \
 && groupadd --system --gid 10001 stocktake \
 && useradd --system --uid 10001 --gid stocktake --home-dir /var/lib/stocktake --shell /usr/sbin/nologin stocktake \
 && install -d -o stocktake -g stocktake -m 0700 /var/lib/stocktake

# The database, its write-ahead log and the generated enroll secret.
VOLUME /var/lib/stocktake
ENV STOCKTAKE_DB=/var/lib/stocktake/stocktake.db \
    STOCKTAKE_HOST=0.0.0.0 \
    STOCKTAKE_PORT=8080 \
    NO_PRETTY=1
USER stocktake
WORKDIR /var/lib/stocktake
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.STOCKTAKE_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop) lets requests under way finish and the last commit land.
STOPSIGNAL SIGTERM
ENTRYPOINT ["stocktake-collector"]
CMD ["serve"]
