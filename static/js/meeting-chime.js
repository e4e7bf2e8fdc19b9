/* The meeting page with the aws backend: joins the session's Amazon Chime SDK meeting with the
 * join info the server put in #meeting-config (meeting + attendee), binds the remote audio and
 * the video tiles, and drives mute, camera and leave. Needs the vendored SDK bundle
 * (static/vendor/amazon-chime-sdk/, window.ChimeSDK), loaded before this file.
 */
(function () {
  "use strict";

  var root = document.getElementById("meeting");
  var configNode = document.getElementById("meeting-config");
  if (!root || !configNode || !window.ChimeSDK) return;
  var SDK = window.ChimeSDK;
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
  var audioElement = root.querySelector("[data-remote-audio]");
  var statusLine = root.querySelector("[data-meeting-status]");
  var notice = root.querySelector("[data-media-notice]");
  var leftCard = root.querySelector("[data-left]");
  var buttons = {};
  root.querySelectorAll("[data-action]").forEach(function (button) {
    buttons[button.getAttribute("data-action")] = button;
  });

  function setStatus(key) { statusLine.textContent = t(key); }
  function showNotice(key) {
    notice.textContent = t(key);
    notice.hidden = false;
  }

  var logger = new SDK.ConsoleLogger("kalpla-meeting", SDK.LogLevel.WARN);
  var deviceController = new SDK.DefaultDeviceController(logger);
  // config.meeting holds {"Meeting": {...}}; the SDK takes either shape and any key case.
  var configuration = new SDK.MeetingSessionConfiguration(config.meeting, config.attendee);
  var meetingSession = new SDK.DefaultMeetingSession(configuration, logger, deviceController);
  var av = meetingSession.audioVideo;
  var tiles = new Map(); // tile id -> <video>
  var hasCamera = false;
  var left = false;

  function remoteVideo(tileId) {
    var video = tiles.get(tileId);
    if (!video) {
      video = document.createElement("video");
      video.autoplay = true;
      video.playsInline = true;
      video.setAttribute("data-remote-video", String(tileId));
      video.setAttribute("aria-label", t("remote"));
      remoteBox.appendChild(video);
      tiles.set(tileId, video);
    }
    if (waitingNote) waitingNote.hidden = true;
    return video;
  }

  av.addObserver({
    audioVideoDidStart: function () {
      setStatus("connected");
      if (hasCamera) av.startLocalVideoTile();
    },
    audioVideoDidStop: function (status) {
      if (left) return;
      var code = status && status.statusCode ? status.statusCode() : null;
      setStatus(code === SDK.MeetingSessionStatusCode.MeetingEnded ? "ended" : "reconnecting");
    },
    connectionDidBecomePoor: function () { setStatus("reconnecting"); },
    connectionDidBecomeGood: function () { setStatus("connected"); },
    videoTileDidUpdate: function (tile) {
      if (!tile.boundAttendeeId) return;
      if (tile.localTile) {
        av.bindVideoElement(tile.tileId, localVideo);
      } else {
        av.bindVideoElement(tile.tileId, remoteVideo(tile.tileId));
      }
    },
    videoTileWasRemoved: function (tileId) {
      var video = tiles.get(tileId);
      if (video) {
        video.remove();
        tiles.delete(tileId);
      }
      if (tiles.size === 0 && waitingNote) waitingNote.hidden = false;
    },
  });
  av.realtimeSubscribeToAttendeeIdPresence(function (attendeeId, present) {
    if (attendeeId !== config.attendee.AttendeeId && !present) setStatus("left");
  });

  function firstDevice(list) { return list && list.length ? list[0].deviceId : null; }

  function startDevices() {
    return Promise.all([av.listAudioInputDevices(), av.listVideoInputDevices()])
      .then(function (found) {
        var microphone = firstDevice(found[0]);
        var camera = firstDevice(found[1]);
        if (!microphone && !camera) {
          showNotice("no-devices");
          return null;
        }
        var steps = [];
        if (microphone) steps.push(av.startAudioInput(microphone));
        if (camera) {
          steps.push(av.startVideoInput(camera).then(function () { hasCamera = true; }));
        } else {
          showNotice("audio-only");
        }
        return Promise.all(steps);
      })
      .then(function () {
        buttons.mute.disabled = false;
        buttons.camera.disabled = !hasCamera;
      })
      .catch(function (error) {
        var denied = error && /Permission|NotAllowed/i.test(String(error.name || error));
        showNotice(denied ? "denied" : "no-devices");
      });
  }

  function toggle(button, on, keyOn, keyOff) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = t(on ? keyOn : keyOff);
  }

  buttons.mute.addEventListener("click", function () {
    var muted = av.realtimeIsLocalAudioMuted();
    if (muted) av.realtimeUnmuteLocalAudio(); else av.realtimeMuteLocalAudio();
    toggle(buttons.mute, !muted, "unmute", "mute");
  });

  var cameraOn = true;
  buttons.camera.addEventListener("click", function () {
    if (!hasCamera) return;
    cameraOn = !cameraOn;
    if (cameraOn) av.startLocalVideoTile(); else av.stopLocalVideoTile();
    toggle(buttons.camera, !cameraOn, "camera-on", "camera-off");
  });

  buttons.play.addEventListener("click", function () {
    buttons.play.hidden = true;
    if (audioElement) audioElement.play();
  });

  buttons.leave.addEventListener("click", function () {
    left = true;
    av.stop();
    av.stopAudioInput();
    av.stopVideoInput();
    Object.keys(buttons).forEach(function (name) { buttons[name].disabled = true; });
    statusLine.textContent = "";
    leftCard.hidden = false;
  });

  window.addEventListener("pagehide", function () {
    if (!left) av.stop();
  });

  setStatus("connecting");
  startDevices().then(function () {
    if (audioElement) {
      av.bindAudioElement(audioElement).catch(function () { buttons.play.hidden = false; });
    }
    av.start();
  });
})();
