// Posts: reactions toggle in place and destructive forms ask first. Without this script
// every form still works (the page reloads).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!form.hasAttribute("data-react") || !window.fetch) return;
    event.preventDefault();
    var box = form.closest("[data-reactions]");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-reactions]");
        if (box && fresh) box.replaceWith(fresh);
      })
      .catch(function () {
        form.submit();
      });
  });
})();

// "N new posts" (a group's feed) and "N new comments" (a post): the page listens on the
// group's feed socket (/ws/groups/<id>/feed/, ids only) and offers to show what others wrote.
(function () {
  "use strict";
  var box = document.querySelector("[data-feed-live]");
  if (!box || !window.WebSocket) return;
  var text = box.querySelector("[data-feed-live-text]");
  var me = box.getAttribute("data-me");
  var kind = box.getAttribute("data-kind");
  var postId = box.getAttribute("data-post");
  var channel = box.getAttribute("data-channel");
  var path = "/ws/groups/" + box.getAttribute("data-feed-live") + "/feed/";
  var count = 0;
  var delay = 1000;

  function counts(frame) {
    var payload = frame.payload || {};
    if (String(payload.author_id) === me) return false;
    if (kind === "post") {
      return frame.type === "post.new" && (!channel || String(payload.channel_id) === channel);
    }
    return frame.type === "comment.new" && String(payload.post_id) === postId;
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss" : "ws";
    var socket = new WebSocket(scheme + "://" + window.location.host + path);
    socket.onopen = function () {
      delay = 1000;
    };
    socket.onmessage = function (event) {
      var frame;
      try {
        frame = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (!counts(frame)) return;
      count += 1;
      text.textContent =
        count === 1 ? box.getAttribute("data-one") : box.getAttribute("data-many").replace("{n}", count);
      box.hidden = false;
    };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) return; // signed out, or no longer a reader
      // Back off with jitter, so a restarted server is not hit by every page at once.
      window.setTimeout(connect, delay + Math.random() * 500);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
