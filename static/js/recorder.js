// Speaking assignments: record the answer in the browser (MediaRecorder), with a level meter
// that shows the microphone hears you, listen back, record again; the recording goes into the
// form's file field, so "Hand in" sends it like an uploaded file. Without a microphone (or
// this script) students upload an audio file instead.
(function () {
  "use strict";
  const box = document.querySelector("[data-recorder]");
  if (!box || !navigator.mediaDevices || !window.MediaRecorder) return;
  const form = box.closest("form");
  const input = form.querySelector("input[type=file][name=file]");
  const start = box.querySelector("[data-record]");
  const stop = box.querySelector("[data-stop]");
  const meter = box.querySelector("meter");
  const preview = box.querySelector("audio");
  const status = box.querySelector("[data-record-status]");
  box.hidden = false;
  let recorder = null, stream = null, chunks = [], frame = 0, audio = null;

  function level(analyser) {
    const data = new Uint8Array(analyser.fftSize);
    const draw = () => {
      analyser.getByteTimeDomainData(data);
      let sum = 0;
      for (const v of data) { const x = (v - 128) / 128; sum += x * x; }
      meter.value = Math.min(1, Math.sqrt(sum / data.length) * 3);
      frame = requestAnimationFrame(draw);
    };
    draw();
  }

  start.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      status.textContent = box.dataset.deniedText || "No microphone: upload a recording instead.";
      return;
    }
    const type = MediaRecorder.isTypeSupported("audio/webm;codecs=opus") ? "audio/webm;codecs=opus" : "";
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    chunks = [];
    recorder.ondataavailable = (event) => { if (event.data.size) chunks.push(event.data); };
    recorder.onstop = () => {
      cancelAnimationFrame(frame);
      meter.value = 0;
      stream.getTracks().forEach((t) => t.stop());
      if (audio) audio.close();
      const blob = new Blob(chunks, { type: "audio/webm" });
      const file = new File([blob], "recording.webm", { type: "audio/webm" });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      preview.src = URL.createObjectURL(blob);
      preview.hidden = false;
      start.textContent = box.dataset.againText || "Record again";
      status.textContent = box.dataset.readyText || "Recorded: listen back, then hand it in.";
      start.disabled = false; stop.disabled = true;
    };
    audio = new AudioContext();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 1024;
    audio.createMediaStreamSource(stream).connect(analyser);
    level(analyser);
    recorder.start();
    status.textContent = box.dataset.recordingText || "Recording…";
    start.disabled = true; stop.disabled = false;
  });
  stop.addEventListener("click", () => { if (recorder && recorder.state !== "inactive") recorder.stop(); });
})();
