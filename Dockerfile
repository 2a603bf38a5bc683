# daftar's API and worker (one image; the command picks the part).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY daftar ./daftar
RUN pip install --no-cache-dir . && useradd --system --uid 1000 daftar
USER daftar
EXPOSE 8000
CMD ["daftar", "api"]
