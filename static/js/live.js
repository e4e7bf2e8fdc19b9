// Live class page: countdown, stream-key reveal/copy, the Amazon IVS player (aws backend) and
// the browser broadcast over WebRTC (local backend).
//
// Local broadcast: the host and the viewers meet on the signalling socket /ws/live/{id}/
// (protocol in mentorship/consumers.py). The host opens one RTCPeerConnection per viewer and
// sends its camera+mic (or screen) on it, send-only; each viewer answers receive-only. Media
// goes browser to browser; the server only relays offers, answers and ICE candidates.
(() => {
  "use strict";

  const iceServers = JSON.parse(document.getElementById("live-ice")?.textContent || "[]");

  // --- countdown --------------------------------------------------------------------------
  const countdown = document.querySelector("[data-countdown]");
  if (countdown) {
    const startsAt = new Date(countdown.dataset.countdown).getTime();
    const out = countdown.querySelector("[data-countdown-value]");
    const pad = (n) => String(n).padStart(2, "0");
    const tick = () => {
      const left = Math.round((startsAt - Date.now()) / 1000);
      if (left <= 0) {
        out.textContent = countdown.dataset.labelNow;
        return;
      }
      const d = Math.floor(left / 86400);
      const h = Math.floor((left % 86400) / 3600);
      const m = Math.floor((left % 3600) / 60);
      out.textContent = `${d ? `${d}d ` : ""}${pad(h)}:${pad(m)}:${pad(left % 60)}`;
    };
    tick();
    setInterval(tick, 1000);
    // The page shows the class once the host starts it: look again now and then near the start.
    setInterval(() => {
      if (startsAt - Date.now() < 15 * 60 * 1000 && !document.hidden) window.location.reload();
    }, 30000);
  }

  // --- stream key: reveal and copy ---------------------------------------------------------
  const copied = document.querySelector("[data-copied]");
  document.querySelectorAll("[data-reveal]").forEach((button) => {
    const input = document.querySelector(button.dataset.reveal);
    const show = button.textContent;
    button.addEventListener("click", () => {
      const hidden = input.type === "password";
      input.type = hidden ? "text" : "password";
      button.textContent = hidden ? button.dataset.labelHide : show;
    });
  });
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const input = document.querySelector(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(input.value);
        if (copied) copied.textContent = `${input.labels[0]?.textContent || ""} ✓`;
      } catch {
        input.type = "text";
        input.select();
      }
    });
  });

  // --- IVS player (aws) ----------------------------------------------------------------------
  const ivs = document.querySelector("[data-ivs-player]");
  if (ivs) {
    const status = ivs.querySelector("[data-player-status]");
    const script = document.createElement("script");
    script.src = ivs.dataset.playerSrc;
    script.onload = () => {
      const pkg = window.IVSPlayerPackage;
      if (!pkg || !pkg.isPlayerSupported) {
        status.textContent = ivs.dataset.labelUnsupported;
        return;
      }
      const player = pkg.create({
        wasmWorker: new URL(ivs.dataset.wasmWorker, window.location.href).href,
        wasmBinary: new URL(ivs.dataset.wasmBinary, window.location.href).href,
      });
      player.attachHTMLVideoElement(ivs.querySelector("video"));
      player.addEventListener(pkg.PlayerEventType.ERROR, () => {
        status.textContent = ivs.dataset.labelOffline;
        setTimeout(() => player.load(ivs.dataset.playbackUrl), 5000);
      });
      player.addEventListener(pkg.PlayerState.PLAYING, () => { status.textContent = ""; });
      player.setAutoplay(true);
      player.load(ivs.dataset.playbackUrl);
    };
    document.body.appendChild(script);
  }

  // --- signalling socket ---------------------------------------------------------------------
  function signalling(path, handlers) {
    let socket = null;
    let stopped = false;
    let backoff = 1000;
    let frameId = 0;
    let pinger = null;
    const open = () => {
      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${window.location.host}${path}`);
      socket.onopen = () => {
        backoff = 1000;
        pinger = setInterval(() => send("ping", {}), 20000); // keeps a viewer's seat
      };
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        (handlers[message.type] || (() => {}))(message);
      };
      socket.onclose = (event) => {
        clearInterval(pinger);
        handlers.closed?.(event);
        if (stopped || event.code === 4401 || event.code === 4403) return;
        setTimeout(open, backoff);
        backoff = Math.min(backoff * 2, 30000);
      };
    };
    const send = (type, payload) => {
      if (socket && socket.readyState === WebSocket.OPEN) {
        frameId += 1;
        socket.send(JSON.stringify({ type, id: String(frameId), payload }));
      }
    };
    open();
    return {
      signal: (to, data) => send("signal", { to, data }),
      close: () => { stopped = true; socket?.close(); },
    };
  }

  // --- host: broadcast from this browser (local) ----------------------------------------------
  const broadcast = document.querySelector("[data-live-broadcast]");
  if (broadcast) {
    const preview = broadcast.querySelector("[data-preview]");
    const status = broadcast.querySelector("[data-broadcast-status]");
    const counter = broadcast.querySelector("[data-viewer-count]");
    const goLive = broadcast.querySelector("[data-go-live]");
    const shareScreen = broadcast.querySelector("[data-share-screen]");
    const muteButton = broadcast.querySelector("[data-mute]");
    const stopButton = broadcast.querySelector("[data-stop]");
    const viewers = new Map(); // peer id -> RTCPeerConnection (or null before we stream)
    let stream = null;

    const count = () => {
      counter.textContent = String([...viewers.values()].filter(
        (pc) => pc && pc.connectionState === "connected").length);
    };

    const offerTo = async (peerId) => {
      viewers.get(peerId)?.close();
      const pc = new RTCPeerConnection({ iceServers });
      viewers.set(peerId, pc);
      stream.getTracks().forEach((track) => {
        pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
      });
      pc.onicecandidate = (event) => {
        if (event.candidate) socket.signal(peerId, { candidate: event.candidate.toJSON() });
      };
      pc.onconnectionstatechange = count;
      await pc.setLocalDescription(await pc.createOffer());
      socket.signal(peerId, { description: pc.localDescription.toJSON() });
    };

    const socket = signalling(broadcast.dataset.socket, {
      "peer.joined": (message) => {
        const peer = message.payload;
        if (peer.role !== "viewer") return;
        viewers.set(peer.peer_id, null);
        if (stream) offerTo(peer.peer_id);
      },
      "peer.left": (message) => {
        viewers.get(message.payload.peer_id)?.close();
        viewers.delete(message.payload.peer_id);
        count();
      },
      signal: async (message) => {
        const pc = viewers.get(message.payload.from);
        const data = message.payload.data;
        if (!pc) return;
        if (data.description) await pc.setRemoteDescription(data.description);
        else if (data.candidate) await pc.addIceCandidate(data.candidate).catch(() => {});
      },
      closed: () => { status.textContent = broadcast.dataset.labelReconnecting; },
    });

    const start = async (getMedia) => {
      try {
        stream = await getMedia();
      } catch (error) {
        status.textContent = error && error.name === "NotAllowedError"
          ? broadcast.dataset.labelDenied : broadcast.dataset.labelMissing;
        return;
      }
      preview.srcObject = stream;
      goLive.hidden = true;
      shareScreen.hidden = true;
      muteButton.hidden = false;
      stopButton.hidden = false;
      status.textContent = "";
      stream.getVideoTracks()[0]?.addEventListener("ended", stop);
      await Promise.all([...viewers.keys()].map(offerTo));
    };
    const stop = () => {
      stream?.getTracks().forEach((track) => track.stop());
      stream = null;
      viewers.forEach((pc, id) => { pc?.close(); viewers.set(id, null); });
      preview.srcObject = null;
      goLive.hidden = false;
      shareScreen.hidden = false;
      muteButton.hidden = true;
      stopButton.hidden = true;
      count();
    };
    goLive.addEventListener("click", () => start(
      () => navigator.mediaDevices.getUserMedia({ video: true, audio: true })));
    shareScreen.addEventListener("click", () => start(async () => {
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const mic = await navigator.mediaDevices.getUserMedia({ audio: true }).catch(() => null);
      mic?.getAudioTracks().forEach((track) => screen.addTrack(track));
      return screen;
    }));
    muteButton.addEventListener("click", () => {
      const muted = muteButton.getAttribute("aria-pressed") === "true";
      stream?.getAudioTracks().forEach((track) => { track.enabled = muted; });
      muteButton.setAttribute("aria-pressed", muted ? "false" : "true");
    });
    stopButton.addEventListener("click", stop);
    window.addEventListener("pagehide", () => { stop(); socket.close(); });
  }

  // --- viewer: receive the host's broadcast (local) -------------------------------------------
  const viewer = document.querySelector("[data-live-viewer]");
  if (viewer) {
    const video = viewer.querySelector("[data-remote]");
    const status = viewer.querySelector("[data-viewer-status]");
    const full = viewer.querySelector("[data-full]");
    let pc = null;
    let hostId = null;
    status.textContent = viewer.dataset.labelWaiting;

    const socket = signalling(viewer.dataset.socket, {
      "peer.joined": (message) => {
        if (message.payload.role === "host") hostId = message.payload.peer_id;
      },
      "peer.left": (message) => {
        if (message.payload.peer_id !== hostId) return;
        pc?.close();
        pc = null;
        video.srcObject = null;
        status.textContent = viewer.dataset.labelHostLeft;
      },
      signal: async (message) => {
        const data = message.payload.data;
        hostId = message.payload.from;
        if (data.description && data.description.type === "offer") {
          pc?.close();
          pc = new RTCPeerConnection({ iceServers });
          pc.ontrack = (event) => {
            video.srcObject = event.streams[0] || new MediaStream([event.track]);
            status.textContent = viewer.dataset.labelPlaying;
          };
          pc.onicecandidate = (event) => {
            if (event.candidate) socket.signal(hostId, { candidate: event.candidate.toJSON() });
          };
          await pc.setRemoteDescription(data.description);
          await pc.setLocalDescription(await pc.createAnswer());
          socket.signal(hostId, { description: pc.localDescription.toJSON() });
        } else if (data.candidate && pc) {
          await pc.addIceCandidate(data.candidate).catch(() => {});
        }
      },
      error: (message) => {
        if (message.code === "live_class_full") {
          full.hidden = false;
          status.textContent = "";
        }
      },
      closed: (event) => {
        if (event.code !== 4403) status.textContent = viewer.dataset.labelReconnecting;
      },
    });
    window.addEventListener("pagehide", () => socket.close());
  }
})();
