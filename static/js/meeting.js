/* A 1:1 video call in the browser (the local meetings backend): WebRTC between the two
 * participants, signalled over /ws/meetings/{session_id}/ (mentorship/consumers.py).
 *
 * Negotiation is "perfect negotiation" (W3C WebRTC 1.0, section 10.7): both sides add their
 * tracks; the impolite side makes the first offer, later either side may offer, and when two
 * offers cross (glare) the polite side rolls its own back and answers. Who is polite is fixed by the peer ids the server hands out (the larger id is
 * polite), so both sides agree without talking about it. ICE candidates that arrive before
 * the remote description are queued. The socket reconnects with backoff; a new socket is a
 * new peer for the other side, which rebuilds its connection.
 */
(function () {
  "use strict";

  var root = document.getElementById("meeting");
  var configNode = document.getElementById("meeting-config");
  if (!root || !configNode) return;
  var config = JSON.parse(configNode.textContent);

  var texts = {};
  var template = document.getElementById("meeting-texts");
  if (template) {
    template.content.querySelectorAll("[data-text]").forEach(function (node) {
      texts[node.getAttribute("data-text")] = node.textContent;
    });
  }
  function t(key) { return texts[key] || key; }

  var localVideo = root.querySelector("[data-local-video]");
  var remoteBox = root.querySelector("[data-remote-videos]");
  var waitingNote = root.querySelector("[data-waiting]");
  var statusLine = root.querySelector("[data-meeting-status]");
  var notice = root.querySelector("[data-media-notice]");
  var leftCard = root.querySelector("[data-left]");
  var buttons = {};
  root.querySelectorAll("[data-action]").forEach(function (button) {
    buttons[button.getAttribute("data-action")] = button;
  });

  var localStream = new MediaStream();
  var cameraTrack = null;
  var screenTrack = null;
  var socket = null;
  var myPeerId = null;
  var left = false;
  var attempts = 0;
  var frameSeq = 0;
  var peers = new Map(); // peer id -> {pc, polite, makingOffer, ignoreOffer, pending, video}

  function setStatus(key) { statusLine.textContent = t(key); }
  function showNotice(key) {
    notice.textContent = t(key);
    notice.hidden = false;
  }

  // --- local media ---------------------------------------------------------------------

  function getMedia(constraints) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject(new DOMException("No media devices", "NotFoundError"));
    }
    return navigator.mediaDevices.getUserMedia(constraints);
  }

  function startMedia() {
    return getMedia({ audio: true, video: true })
      .catch(function (error) {
        if (error && (error.name === "NotAllowedError" || error.name === "SecurityError")) {
          throw error;
        }
        // No camera (or it is busy): try the microphone alone.
        return getMedia({ audio: true, video: false }).then(function (stream) {
          showNotice("audio-only");
          return stream;
        });
      })
      .then(function (stream) {
        stream.getTracks().forEach(function (track) { localStream.addTrack(track); });
        cameraTrack = stream.getVideoTracks()[0] || null;
        localVideo.srcObject = localStream;
        buttons.mute.disabled = stream.getAudioTracks().length === 0;
        buttons.camera.disabled = !cameraTrack;
        if (buttons.screen) {
          buttons.screen.disabled = !(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
        }
      })
      .catch(function (error) {
        var denied = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
        showNotice(denied ? "denied" : "no-devices");
        if (buttons.screen) {
          buttons.screen.disabled = !(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
        }
      });
  }

  // --- peer connections ----------------------------------------------------------------

  function send(type, payload) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    frameSeq += 1;
    socket.send(JSON.stringify({ type: type, id: String(frameSeq), payload: payload }));
  }

  function signal(peerId, data) { send("signal", { to: peerId, data: data }); }

  function remoteVideoFor(peerId) {
    var video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute("data-remote-video", peerId);
    video.setAttribute("aria-label", t("remote"));
    remoteBox.appendChild(video);
    if (waitingNote) waitingNote.hidden = true;
    return video;
  }

  function play(video) {
    var started = video.play();
    if (started && started.catch) {
      started.catch(function () {
        // Autoplay with sound needs a click on this browser.
        buttons.play.hidden = false;
      });
    }
  }

  function createPeer(peerId) {
    var pc = new RTCPeerConnection({ iceServers: config.iceServers || [] });
    var peer = {
      pc: pc,
      polite: myPeerId > peerId,
      makingOffer: false,
      ignoreOffer: false,
      pending: [],
      video: remoteVideoFor(peerId),
      stream: new MediaStream(),
    };
    peers.set(peerId, peer);
    peer.video.srcObject = peer.stream;

    var audio = localStream.getAudioTracks()[0] || null;
    var video = screenTrack || cameraTrack;
    if (audio) pc.addTrack(audio, localStream);
    if (video) pc.addTrack(video, localStream);
    // Without a device of a kind, still receive the other side's (the offerer asks for it).
    if (!peer.polite) {
      if (!audio) pc.addTransceiver("audio", { direction: "recvonly" });
      if (!video) pc.addTransceiver("video", { direction: "recvonly" });
    }

    pc.ontrack = function (event) {
      var stream = peer.stream;
      stream.getTracks().forEach(function (old) {
        if (old.kind === event.track.kind && old !== event.track) stream.removeTrack(old);
      });
      if (stream.getTracks().indexOf(event.track) === -1) stream.addTrack(event.track);
      play(peer.video);
    };
    pc.onicecandidate = function (event) {
      if (event.candidate) signal(peerId, { candidate: event.candidate.toJSON() });
    };
    pc.onnegotiationneeded = function () {
      // The first offer is the impolite side's: when both offered at once, Chromium's
      // implicit rollback of the polite side's offer could leave that side gathering no ICE
      // candidates for its answer (a call that never connects). Later changes (a shared
      // screen) may come from either side; a crossing is then rolled back as usual.
      if (peer.polite && !pc.remoteDescription) return;
      peer.makingOffer = true;
      pc.setLocalDescription()
        .then(function () { signal(peerId, { description: pc.localDescription.toJSON() }); })
        .catch(function (error) { console.warn("meeting: offer failed", error); })
        .then(function () { peer.makingOffer = false; });
    };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "connected") setStatus("connected");
      if (pc.connectionState === "failed" && pc.restartIce) pc.restartIce();
    };
    return peer;
  }

  function closePeer(peerId) {
    var peer = peers.get(peerId);
    if (!peer) return;
    peers.delete(peerId);
    peer.pc.ontrack = peer.pc.onicecandidate = peer.pc.onnegotiationneeded = null;
    peer.pc.close();
    peer.video.srcObject = null;
    peer.video.remove();
    if (peers.size === 0 && waitingNote) waitingNote.hidden = false;
  }

  function flushCandidates(peer) {
    var queued = peer.pending;
    peer.pending = [];
    queued.forEach(function (candidate) {
      peer.pc.addIceCandidate(candidate).catch(function (error) {
        console.warn("meeting: ICE candidate refused", error);
      });
    });
  }

  function onSignal(peerId, data) {
    var peer = peers.get(peerId);
    if (!peer || !data) return Promise.resolve();
    var pc = peer.pc;
    if (data.description) {
      var description = data.description;
      var collision = description.type === "offer" &&
        (peer.makingOffer || pc.signalingState !== "stable");
      peer.ignoreOffer = !peer.polite && collision;
      if (peer.ignoreOffer) return Promise.resolve();
      // The polite side's setRemoteDescription rolls its own offer back implicitly.
      return pc.setRemoteDescription(description).then(function () {
        flushCandidates(peer);
        if (description.type === "offer") {
          return pc.setLocalDescription().then(function () {
            signal(peerId, { description: pc.localDescription.toJSON() });
          });
        }
      }).catch(function (error) { console.warn("meeting: description refused", error); });
    }
    if (data.candidate) {
      if (!pc.remoteDescription) {
        peer.pending.push(data.candidate);
        return Promise.resolve();
      }
      return pc.addIceCandidate(data.candidate).catch(function (error) {
        if (!peer.ignoreOffer) console.warn("meeting: ICE candidate refused", error);
      });
    }
    return Promise.resolve();
  }

  // --- signalling socket ---------------------------------------------------------------

  function connect() {
    if (left) return;
    setStatus(attempts ? "reconnecting" : "connecting");
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + config.signallingPath);
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (error) { return; }
      var payload = frame.payload || {};
      if (frame.type === "room.joined") {
        attempts = 0;
        myPeerId = payload.peer_id;
        setStatus("waiting");
      } else if (frame.type === "peer.joined") {
        // One seat per person: a newer socket of theirs (a reload, a dropped network)
        // replaces the connection to the old one, which may not have said goodbye.
        peers.forEach(function (peer, peerId) {
          if (peer.userId === payload.user_id && peerId !== payload.peer_id) closePeer(peerId);
        });
        if (!peers.has(payload.peer_id)) createPeer(payload.peer_id).userId = payload.user_id;
      } else if (frame.type === "peer.left") {
        closePeer(payload.peer_id);
        setStatus("left");
      } else if (frame.type === "signal") {
        onSignal(payload.from, payload.data);
      } else if (frame.type === "error") {
        console.warn("meeting: server said", frame.code || payload.code, frame.message || payload.message);
      }
    };
    socket.onclose = function (event) {
      socket = null;
      myPeerId = null;
      Array.from(peers.keys()).forEach(closePeer);
      if (left) return;
      if (event.code === 4401 || event.code === 4403) {
        showNotice("refused");
        setStatus("ended");
        return;
      }
      attempts += 1;
      var delay = Math.min(15000, 500 * Math.pow(2, attempts)) * (0.75 + Math.random() / 2);
      setStatus("reconnecting");
      window.setTimeout(connect, delay);
    };
  }

  // --- controls ------------------------------------------------------------------------

  function toggle(button, on, keyOn, keyOff) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = t(on ? keyOn : keyOff);
  }

  buttons.mute.addEventListener("click", function () {
    var tracks = localStream.getAudioTracks();
    if (!tracks.length) return;
    var muted = tracks[0].enabled;
    tracks.forEach(function (track) { track.enabled = !muted; });
    toggle(buttons.mute, muted, "unmute", "mute");
  });

  buttons.camera.addEventListener("click", function () {
    if (!cameraTrack) return;
    var off = cameraTrack.enabled;
    cameraTrack.enabled = !off;
    toggle(buttons.camera, off, "camera-on", "camera-off");
  });

  function videoTransceiver(pc) {
    var found = null;
    pc.getTransceivers().forEach(function (transceiver) {
      var kind = transceiver.receiver.track && transceiver.receiver.track.kind;
      if (!found && kind === "video" && transceiver.currentDirection !== "stopped") found = transceiver;
    });
    return found;
  }

  // Send ``track`` as our video to everyone: the same sender (replaceTrack, no renegotiation)
  // when there is one, else a direction change or a new track, which renegotiate.
  function sendVideo(track) {
    peers.forEach(function (peer) {
      var transceiver = videoTransceiver(peer.pc);
      if (transceiver) {
        transceiver.sender.replaceTrack(track);
        if (track && transceiver.direction === "recvonly") transceiver.direction = "sendrecv";
      } else if (track) {
        peer.pc.addTrack(track, localStream);
      }
    });
  }

  function stopSharing() {
    if (!screenTrack) return;
    screenTrack.onended = null;
    screenTrack.stop();
    screenTrack = null;
    sendVideo(cameraTrack);
    localVideo.removeAttribute("data-screen");
    localVideo.srcObject = localStream;
    toggle(buttons.screen, false, "stop-share", "share");
  }

  if (buttons.screen) {
    buttons.screen.addEventListener("click", function () {
      if (screenTrack) {
        stopSharing();
        return;
      }
      if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
        showNotice("no-screen");
        return;
      }
      navigator.mediaDevices.getDisplayMedia({ video: true }).then(function (display) {
        screenTrack = display.getVideoTracks()[0];
        screenTrack.onended = stopSharing; // the browser's own "Stop sharing"
        sendVideo(screenTrack);
        localVideo.setAttribute("data-screen", "");
        localVideo.srcObject = display;
        toggle(buttons.screen, true, "stop-share", "share");
      }).catch(function () { /* the person chose not to share */ });
    });
  }

  buttons.play.addEventListener("click", function () {
    buttons.play.hidden = true;
    peers.forEach(function (peer) { play(peer.video); });
  });

  buttons.leave.addEventListener("click", function () {
    left = true;
    if (socket) socket.close(1000);
    Array.from(peers.keys()).forEach(closePeer);
    if (screenTrack) screenTrack.stop();
    localStream.getTracks().forEach(function (track) { track.stop(); });
    localVideo.srcObject = null;
    Object.keys(buttons).forEach(function (name) { buttons[name].disabled = true; });
    statusLine.textContent = "";
    leftCard.hidden = false;
  });

  window.addEventListener("pagehide", function () {
    left = true;
    if (socket) socket.close(1000);
  });

  startMedia().then(connect);
})();
