# acd itself, with the agent console built by node. Build context: the repository root.
FROM node:20-bookworm-slim AS console
WORKDIR /web
COPY web_softphone/package.json web_softphone/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web_softphone/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
WORKDIR /app
COPY pyproject.toml README.md ./
COPY acd ./acd
COPY asterisk_conf ./asterisk_conf
COPY --from=console /web/dist ./web_softphone/dist
RUN pip install --no-cache-dir . && useradd --system --home /app acd
USER acd
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8080/health')"
CMD ["acd", "run"]
