# Stepwise API. Build: docker build -t stepwise .   Run: docker run -p 8000:8000 -e DATABASE_URL=... stepwise
# Without DATABASE_URL the container starts its own embedded PostgreSQL (data in the volume below).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    STEPWISE_DATA_DIR=/data \
    DATABASE_DATA_DIR=/data

# Pango and a font for WeasyPrint (reports as PDF, api/reports/pdf.py)
RUN apt-get update -qq \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 stepwise && mkdir /data && chown stepwise /data
WORKDIR /app

# dependencies first, pinned by the same constraints CI uses, so code changes reuse this layer
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir api domain persistence cli migrations stepwise_client \
    && touch api/__init__.py domain/__init__.py persistence/__init__.py cli/__init__.py \
       migrations/__init__.py stepwise_client/__init__.py \
    && pip install -c constraints.txt . \
    && pip uninstall -y stepwise

COPY api ./api
COPY domain ./domain
COPY persistence ./persistence
COPY cli ./cli
COPY migrations ./migrations
COPY stepwise_client ./stepwise_client
RUN pip install --no-deps -c constraints.txt .

USER stepwise
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["stepwise", "serve", "--host", "0.0.0.0", "--port", "8000"]
