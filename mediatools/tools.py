"""ffmpeg / ffprobe (and other Debian media tools) behind typed, time-limited calls.

A missing tool raises CapabilityUnavailable so callers record an honest 'unavailable' status;
a tool that runs and fails raises IntegrationError with the tail of its stderr.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from kalpla.integrations.base import CapabilityUnavailable, IntegrationError

# Below CELERY_TASK_SOFT_TIME_LIMIT (300 s), so a stuck tool fails the call, not the worker.
PROBE_TIMEOUT_SECONDS = 60.0
CONVERT_TIMEOUT_SECONDS = 240.0
STDERR_TAIL_CHARS = 800

_TOOL_SETTINGS = {
    "ffmpeg": "KALPLA_FFMPEG_BINARY",
    "ffprobe": "KALPLA_FFPROBE_BINARY",
    "espeak-ng": "KALPLA_ESPEAK_BINARY",
}

StrPath = str | os.PathLike[str]


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    has_audio: bool
    has_video: bool
    width: int | None
    height: int | None
    format: str


def tool_path(name: str) -> str:
    """The executable for ``name`` (ffmpeg, ffprobe, espeak-ng), as configured in settings."""
    configured = getattr(settings, _TOOL_SETTINGS[name], name) if name in _TOOL_SETTINGS else name
    path = shutil.which(configured)
    if path is None:
        raise CapabilityUnavailable(f"{name} is not installed")
    return path


def tool_available(name: str) -> bool:
    try:
        tool_path(name)
    except CapabilityUnavailable:
        return False
    return True


def run_tool(
    name: str,
    args: list[str],
    *,
    timeout: float = CONVERT_TIMEOUT_SECONDS,
    input_bytes: bytes | None = None,
) -> bytes:
    """Run a tool, returning its stdout; IntegrationError (with stderr tail) when it fails."""
    command = [tool_path(name), *args]
    try:
        completed = subprocess.run(
            command, input=input_bytes, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise IntegrationError(f"{name} did not finish within {timeout:.0f} s") from exc
    except OSError as exc:
        raise CapabilityUnavailable(f"{name} could not be started: {exc}") from exc
    if completed.returncode != 0:
        tail = completed.stderr.decode(errors="replace").strip()[-STDERR_TAIL_CHARS:]
        raise IntegrationError(f"{name} failed (exit {completed.returncode}): {tail}")
    return completed.stdout


def _file_url(path: StrPath) -> str:
    # The file: protocol keeps ffmpeg from reading a name as an option ("-x"), a URL or a
    # special protocol (concat:, http:).
    return "file:" + str(Path(path).resolve())


def probe(path: StrPath) -> MediaInfo:
    output = run_tool(
        "ffprobe",
        ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", _file_url(path)],
        timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        data: dict[str, Any] = json.loads(output or b"{}")
    except ValueError as exc:
        raise IntegrationError(f"ffprobe gave unreadable output for {path}") from exc
    streams: list[dict[str, Any]] = data.get("streams", [])
    fmt: dict[str, Any] = data.get("format", {})
    # Cover art in an MP3 or M4A shows up as a one-frame "video" stream.
    videos = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]
    durations = [_float(fmt.get("duration"))] + [_float(s.get("duration")) for s in streams]
    video = videos[0] if videos else {}
    return MediaInfo(
        duration=max(durations),
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
        has_video=bool(videos),
        width=_int(video.get("width")),
        height=_int(video.get("height")),
        format=str(fmt.get("format_name", "")),
    )


def extract_pcm(path: StrPath, out_path: StrPath, rate: int = 16000) -> Path:
    """Write the audio track as mono 16-bit little-endian WAV at ``rate`` Hz (pocketsphinx)."""
    if not probe(path).has_audio:
        raise IntegrationError(f"{Path(path).name} has no audio track")
    audio = ["-vn", "-ac", "1", "-ar", str(rate), "-acodec", "pcm_s16le"]
    _ffmpeg("-i", _file_url(path), *audio, "-f", "wav", _file_url(out_path))
    return Path(out_path)


def poster_frame(path: StrPath, out_path: StrPath, at_seconds: float = 1.0) -> Path:
    """Write one JPEG frame; a clip shorter than ``at_seconds`` gives its middle frame."""
    info = probe(path)
    if not info.has_video:
        raise IntegrationError(f"{Path(path).name} has no video track")
    if info.duration > 0 and at_seconds >= info.duration:
        at_seconds = info.duration / 2
    seek = ["-ss", f"{max(at_seconds, 0):.3f}"]  # before -i: fast seek to a keyframe
    jpeg = ["-frames:v", "1", "-q:v", "3", "-c:v", "mjpeg", "-f", "image2"]
    _ffmpeg(*seek, "-i", _file_url(path), *jpeg, _file_url(out_path))
    out = Path(out_path)
    if not out.exists() or out.stat().st_size == 0:
        raise IntegrationError(f"ffmpeg wrote no frame at {at_seconds:.2f} s of {Path(path).name}")
    return out


def to_mp3(path: StrPath, out_path: StrPath, bitrate: str = "64k") -> Path:
    """Encode any audio ffmpeg reads as MP3 (speech quality by default)."""
    mp3 = ["-vn", "-acodec", "libmp3lame", "-b:a", bitrate, "-f", "mp3"]
    _ffmpeg("-i", _file_url(path), *mp3, _file_url(out_path))
    return Path(out_path)


def _ffmpeg(*args: str) -> None:
    # No prompts on stdin, overwrite the outputs we name, report only errors.
    run_tool("ffmpeg", ["-nostdin", "-y", "-v", "error", *args])


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
