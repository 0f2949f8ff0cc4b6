# acd itself. Build context: the repository root.
FROM python:3.11-slim-bookworm
WORKDIR /app
COPY pyproject.toml README.md ./
COPY acd ./acd
COPY asterisk_conf ./asterisk_conf
RUN pip install --no-cache-dir . && useradd --system --home /app acd
USER acd
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8080/health')"
CMD ["acd", "run"]
