// Lesson player: resume, position saving, transcript that follows playback, mark complete
// when the media ends. Progressive enhancement: the page works without this file.
(() => {
  "use strict";

  const SAVE_EVERY_MS = 5000;
  const section = document.getElementById("player");
  const media = document.getElementById("lesson-media");

  function csrfToken() {
    const meta = document.querySelector("meta[name='csrf-token']");
    if (meta && meta.content) return meta.content;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // --- position: resume on load, save every few seconds while playing and on pause -------
  if (section && media) {
    const progressUrl = section.dataset.progressUrl || "";
    const resumeAt = parseFloat(section.dataset.resume || "0") || 0;
    let lastSaved = resumeAt;
    let timer = null;

    const resume = () => {
      const duration = media.duration || Infinity;
      if (resumeAt > 0.5 && resumeAt < duration - 1) {
        media.currentTime = resumeAt;
      }
    };
    if (media.readyState >= 1) resume();
    else media.addEventListener("loadedmetadata", resume, { once: true });

    const save = (keepalive) => {
      if (!progressUrl) return;
      const position = Math.round(media.currentTime * 1000) / 1000;
      if (!Number.isFinite(position) || Math.abs(position - lastSaved) < 0.25) return;
      lastSaved = position;
      fetch(progressUrl, {
        method: "PUT",
        credentials: "same-origin",
        keepalive: Boolean(keepalive),
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(),
          "X-Requested-With": "XMLHttpRequest",
        },
        body: JSON.stringify({ position_seconds: position }),
      })
        .then((response) => {
          section.dataset.saved = response.ok ? String(position) : "error";
        })
        .catch(() => {
          section.dataset.saved = "error";
        });
    };

    media.addEventListener("play", () => {
      if (timer === null) timer = window.setInterval(() => save(false), SAVE_EVERY_MS);
    });

    // Coarse watch progress for analytics (static/js/track.js): each quartile once per page,
    // with the seconds actually played since the previous report.
    const lessonId = parseInt(section.dataset.lessonId || "", 10);
    const courseId = parseInt(section.dataset.courseId || "", 10);
    if (window.kalplaTrack && lessonId > 0) {
      const reported = new Set();
      let watched = 0;
      let lastTime = media.currentTime;
      const report = (quartile) => {
        if (reported.has(quartile)) return;
        reported.add(quartile);
        window.kalplaTrack({
          verb: "video_progress",
          object: { type: "lesson", id: lessonId },
          course: courseId > 0 ? courseId : null,
          result: { progress: quartile, duration: Math.round(Math.min(watched, 86400) * 10) / 10 },
        });
        watched = 0;
      };
      media.addEventListener("timeupdate", () => {
        const step = media.currentTime - lastTime;
        lastTime = media.currentTime;
        if (!media.paused && step > 0 && step < 2) watched += step;
        const duration = media.duration;
        if (!Number.isFinite(duration) || duration <= 0) return;
        const fraction = media.currentTime / duration;
        for (const quartile of [0.25, 0.5, 0.75]) {
          if (fraction >= quartile) report(quartile);
        }
      });
      media.addEventListener("ended", () => report(1.0));
    }
    const stop = () => {
      if (timer !== null) {
        window.clearInterval(timer);
        timer = null;
      }
      save(false);
    };
    media.addEventListener("pause", stop);
    media.addEventListener("seeked", () => {
      if (media.paused) save(false);
    });
    media.addEventListener("ended", () => {
      stop();
      const form = document.getElementById("complete-form");
      if (form && typeof form.requestSubmit === "function") form.requestSubmit();
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") save(true);
    });
    window.addEventListener("pagehide", () => save(true));
  }

  // --- link refresh: on S3 the lesson link answers with a short presigned URL; when that
  // expires mid-lesson the next range request fails, so ask the lesson link again (which
  // checks access again) and carry on where playback was. A refused link stays refused.
  if (media) {
    const source = media.querySelector("source");
    const stableUrl = source ? source.getAttribute("src") : "";
    let refreshes = 0;
    let lastRefresh = 0;
    media.addEventListener(
      "error",
      () => {
        const now = Date.now();
        if (!stableUrl || refreshes >= 3 || now - lastRefresh < 5000) return;
        refreshes += 1;
        lastRefresh = now;
        const at = media.currentTime;
        const wasPlaying = !media.paused;
        fetch(stableUrl, { method: "HEAD", credentials: "same-origin", redirect: "manual" })
          .then((response) => {
            if (response.status === 403 || response.status === 404) {
              const status = document.getElementById("player-status");
              if (status) status.textContent = status.dataset.refused || "";
              return;
            }
            media.src = stableUrl;
            media.addEventListener(
              "loadedmetadata",
              () => {
                media.currentTime = at;
                if (wasPlaying) media.play().catch(() => {});
              },
              { once: true },
            );
            media.load();
          })
          .catch(() => {});
      },
      true,
    );
  }

  // --- transcript: follow playback, click to seek, filter --------------------------------
  const list = document.getElementById("transcript-cues");
  if (list) {
    const cues = Array.from(list.querySelectorAll(".transcript__cue")).map((button) => ({
      button,
      start: parseFloat(button.dataset.start),
      end: parseFloat(button.dataset.end),
      text: button.textContent.toLowerCase(),
    }));
    let current = null;

    const follow = () => {
      const t = media.currentTime;
      const active = cues.find((cue) => t >= cue.start && t < cue.end) || null;
      if (active === current) return;
      if (current) current.button.removeAttribute("aria-current");
      current = active;
      if (!active) return;
      active.button.setAttribute("aria-current", "true");
      // Keep the line in view inside the panel without moving the page.
      const top = active.button.offsetTop - list.offsetTop;
      if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - active.button.offsetHeight) {
        list.scrollTop = Math.max(0, top - list.clientHeight / 3);
      }
    };

    if (media) {
      media.addEventListener("timeupdate", follow);
      media.addEventListener("seeked", follow);
      list.addEventListener("click", (event) => {
        const button = event.target.closest(".transcript__cue");
        if (!button) return;
        media.currentTime = parseFloat(button.dataset.start) + 0.01;
        follow();
        const played = media.play();
        if (played && typeof played.catch === "function") played.catch(() => {});
      });
    }

    const filter = document.getElementById("transcript-filter");
    const none = document.getElementById("transcript-none");
    if (filter) {
      filter.hidden = false;
      filter.addEventListener("input", () => {
        const query = filter.value.trim().toLowerCase();
        let shown = 0;
        for (const cue of cues) {
          const match = !query || cue.text.includes(query);
          cue.button.parentElement.hidden = !match;
          if (match) shown += 1;
        }
        if (none) none.hidden = shown > 0;
      });
    }
  }
})();
