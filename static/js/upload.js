// Direct uploads with a progress bar: progressive enhancement of plain multipart forms.
//
// A <form data-upload="<kind>" data-upload-start="<url>"> holds a file input. With this
// script, submitting it 1) asks the start URL (the API's POST /api/v1/uploads/, with the
// session cookie and the CSRF token) for an upload form (JSON {url, fields, key}),
// 2) sends the fields and the file straight to storage (an S3 presigned POST, or the local
// signed URL) with XMLHttpRequest so upload progress can be shown, and 3) posts the key to
// the form's own action, which confirms the upload. Without JavaScript the same form posts
// the file itself. data-upload-status names an element (id) to refresh afterwards; without
// it the page reloads.
(function () {
  "use strict";

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function errorText(body, fallback) {
    if (body && typeof body === "object") {
      if (body.errors) {
        const first = Object.values(body.errors)[0];
        if (Array.isArray(first) && first.length) return String(first[0]);
      }
      if (body.message) return String(body.message);
    }
    return fallback;
  }

  async function readJSON(response) {
    try {
      return await response.json();
    } catch (error) {
      return null;
    }
  }

  async function startUpload(form, file) {
    const response = await fetch(form.dataset.uploadStart, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(form),
      },
      body: JSON.stringify({
        kind: form.dataset.upload,
        filename: file.name,
        content_type: file.type || "application/octet-stream",
        size: file.size,
      }),
    });
    const body = await readJSON(response);
    if (!response.ok || !body) throw new Error(errorText(body, "The upload could not start."));
    return body;
  }

  function storageError(xhr) {
    // Our local upload view answers JSON; S3 answers XML with a <Message>.
    try {
      return errorText(JSON.parse(xhr.responseText), "");
    } catch (error) {
      const match = /<Message>([^<]*)<\/Message>/.exec(xhr.responseText || "");
      return match ? match[1] : "";
    }
  }

  function sendFile(target, file, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", target.url);
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener("load", () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(1);
          resolve();
        } else {
          reject(new Error(storageError(xhr) || "The upload failed (" + xhr.status + ")."));
        }
      });
      xhr.addEventListener("error", () => reject(new Error("The connection was lost during the upload.")));
      xhr.addEventListener("abort", () => reject(new Error("The upload was cancelled.")));
      const data = new FormData();
      Object.entries(target.fields || {}).forEach(([name, value]) => data.append(name, value));
      data.append("file", file); // last: S3 ignores fields after the file
      xhr.send(data);
    });
  }

  async function confirmUpload(form, key) {
    const data = new FormData();
    data.append("key", key);
    const response = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
      body: data,
    });
    const body = await readJSON(response);
    if (!response.ok || !body) throw new Error(errorText(body, "The upload could not be saved."));
    return body;
  }

  async function refreshStatus(form, body) {
    const id = form.dataset.uploadStatus;
    const current = id && document.getElementById(id);
    if (!current || !body.status_url || body.reload) {
      window.location.reload();
      return;
    }
    const response = await fetch(body.status_url, { credentials: "same-origin" });
    if (!response.ok) {
      window.location.reload();
      return;
    }
    const holder = document.createElement("div");
    holder.innerHTML = (await response.text()).trim();
    const fresh = holder.firstElementChild;
    if (!fresh) return;
    // The parts of the editor that depend on the file (Remove file, the captions editor)
    // come along, marked out of band, as they do in the panel's own polls.
    for (const part of Array.from(holder.querySelectorAll(":scope > [hx-swap-oob]"))) {
      const old = part.id && document.getElementById(part.id);
      part.removeAttribute("hx-swap-oob");
      if (old) old.replaceWith(part);
    }
    current.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh); // starts polling while processing
  }

  function ui(form) {
    const box = form.querySelector(".upload__progress");
    return {
      bar: box && box.querySelector("progress"),
      label: box && box.querySelector(".upload__percent"),
      error: form.querySelector(".upload__error"),
      button: form.querySelector("button[type=submit]"),
      show(fraction, text) {
        if (!box) return;
        box.hidden = false;
        const percent = Math.round(fraction * 100);
        this.bar.value = percent;
        this.label.textContent = text || percent + "%";
      },
      fail(message) {
        if (!this.error) return;
        this.error.textContent = message;
        this.error.hidden = false;
      },
    };
  }

  async function upload(form) {
    const input = form.querySelector("input[type=file]");
    const file = input && input.files && input.files[0];
    const view = ui(form);
    if (view.error) view.error.hidden = true;
    if (!file) {
      view.fail(input && input.validationMessage ? input.validationMessage : "Choose a file first.");
      return;
    }
    form.setAttribute("aria-busy", "true");
    if (view.button) view.button.disabled = true;
    try {
      view.show(0);
      const target = await startUpload(form, file);
      await sendFile(target, file, (fraction) => view.show(fraction));
      view.show(1, "100% · " + (form.dataset.uploadSaving || "saving…"));
      const body = await confirmUpload(form, target.key);
      view.show(1, "100% · " + (body.message || "done"));
      form.dataset.uploaded = target.key;
      input.value = "";
      await refreshStatus(form, body);
    } catch (error) {
      view.fail(error.message || String(error));
    } finally {
      form.removeAttribute("aria-busy");
      if (view.button) view.button.disabled = false;
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-upload][data-upload-start]");
    if (!form || !window.fetch || !window.FormData) return;
    event.preventDefault();
    upload(form);
  });
})();
