# Production image: uvicorn serves HTTP and WebSocket (kalpla.asgi); the same image runs the
# Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# ffmpeg probes and converts media; espeak-ng is the offline text-to-speech backend.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg espeak-ng \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first so code changes reuse this layer.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# Settings refuse to load without a secret and hosts when debug is off; these values exist
# only for this build step and are not kept in the image's environment.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-key-never-used-at-run-time-0123456789 \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin kalpla \
    && mkdir -p /app/media /app/var \
    && chown -R kalpla:kalpla /app/media /app/var
USER kalpla

# Largest WebSocket message: kalpla/settings.py and uvicorn's --ws-max-size read this one
# variable, so the server refuses (1009) exactly what the consumers promise to refuse.
ENV KALPLA_WS_MAX_FRAME_BYTES=1048576

EXPOSE 8000
CMD ["sh", "-c", "exec uvicorn kalpla.asgi:application --host 0.0.0.0 --port 8000 --lifespan off --proxy-headers --forwarded-allow-ips '*' --ws-max-size \"$KALPLA_WS_MAX_FRAME_BYTES\""]
