/* CSO Academy live workshop room: a small client for docs/workshop-protocol.md.
 *
 * No framework, no third-party code. Everything people write is inserted with
 * textContent, never as HTML. The connection is expected to drop: the client
 * reconnects with exponential backoff and jitter, resumes from the last
 * sequence number it applied, fills gaps, and keeps what the user writes
 * while offline in an outbox (also in localStorage) that it sends, with the
 * same client ids, once it is back, so nothing is lost or doubled.
 */
(function () {
  "use strict";

  var CAMBODIA = "Asia/Phnom_Penh";

  /* ---- Times: add the viewer's own time zone where it differs. ---- */
  function annotateLocalTimes() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone || zone === CAMBODIA) return;
    var lang = document.documentElement.lang || "km";
    var fmt = new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
    var hm = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    document.querySelectorAll("[data-local-start]").forEach(function (node) {
      var target = node.parentNode.querySelector(".workshop-when__local");
      if (!target) return;
      var start = new Date(node.getAttribute("data-local-start"));
      // Cambodia is UTC+7 all year: a zone with the same offset shows the same time.
      if (-start.getTimezoneOffset() === 420) return;
      var end = new Date(node.getAttribute("data-local-end"));
      target.textContent = " · " + fmt.format(start) + "–" + hm.format(end);
      target.hidden = false;
    });
  }
  annotateLocalTimes();

  var root = document.getElementById("room");
  if (!root) return;

  var S = JSON.parse(document.getElementById("room-strings").textContent);
  // The live room has its own start and end buttons; the forms are for
  // browsers without JavaScript.
  document.querySelectorAll("[data-without-js]").forEach(function (node) { node.remove(); });
  var workshopId = root.getAttribute("data-workshop");
  var wsPath = root.getAttribute("data-ws-path");
  var lang = root.getAttribute("data-lang");
  var storageKey = "cso-room-outbox-" + workshopId;

  var transcript = document.getElementById("transcript");
  var pollsBox = document.getElementById("room-polls");
  var people = document.getElementById("participants");
  var countBox = document.getElementById("room-count");
  var actions = document.getElementById("room-actions");
  var connectionBox = document.getElementById("room-connection");
  var noticeBox = document.getElementById("room-notice");
  var statusBox = document.getElementById("workshop-status");
  var form = document.getElementById("room-form");

  var ws = null;
  var socketId = 0;
  var attempt = 0;
  var reconnectTimer = null;
  var heartbeatTimer = null;
  var lastHeard = 0;
  var heartbeat = 25;
  var lastSeq = 0;
  var cleared = false;
  var buffer = {};
  var gapTimer = null;
  var me = null;
  var status = root.getAttribute("data-status");
  var participants = {};
  var items = {};
  var polls = {};
  var myVotes = {};
  var myUpvotes = {};
  var stopped = false;
  var outbox = loadOutbox();

  /* ---- small DOM helpers ---- */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function button(label, onClick, className) {
    var b = el("button", "button button--small " + (className || "button--secondary"), label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  // Room times are shown in Cambodia time, like the rest of the page.
  var clockFormat = null;
  try { clockFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: CAMBODIA }); } catch (e) { /* old browser */ }
  function clock(iso) {
    var d = new Date(iso);
    if (clockFormat) return clockFormat.format(d);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  /* ---- connection state shown plainly ---- */
  function showConnection(text) {
    if (text) { connectionBox.textContent = text; connectionBox.hidden = false; }
    else { connectionBox.hidden = true; connectionBox.textContent = ""; }
    root.classList.toggle("room--offline", !!text);
  }

  /* ---- outbox: what the user wrote, until the server acknowledges it ---- */
  function loadOutbox() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox() {
    try { window.localStorage.setItem(storageKey, JSON.stringify(outbox)); } catch (e) { /* private mode */ }
  }
  function enqueue(frame) {
    frame.client_id = newId();
    outbox.push({ frame: frame, sentOn: 0 });
    saveOutbox();
    if (frame.type === "chat.send" || frame.type === "question.ask") showPending(frame);
    flush();
  }
  function flush() {
    if (!ws || ws.readyState !== 1 || !me) return;
    var inFlight = 0;
    for (var i = 0; i < outbox.length; i++) {
      var entry = outbox[i];
      if (entry.sentOn === socketId) { inFlight++; continue; }
      if (inFlight >= 5 || entry.holdUntil > Date.now()) break;
      entry.sentOn = socketId;
      inFlight++;
      ws.send(JSON.stringify(entry.frame));
    }
  }
  function settle(clientId) {
    outbox = outbox.filter(function (entry) { return entry.frame.client_id !== clientId; });
    saveOutbox();
    flush();
  }

  function showPending(frame) {
    var li = el("li", "room-item room-item--pending");
    li.setAttribute("data-client-id", frame.client_id);
    var meta = el("span", "room-item__meta");
    meta.appendChild(el("strong", "", me ? me.name : S.you));
    meta.appendChild(document.createTextNode(" · " + S.pending));
    li.appendChild(meta);
    li.appendChild(el("span", "room-item__text", frame.text));
    clearServerTranscript();
    transcript.appendChild(li);
    li.scrollIntoView({ block: "nearest" });
  }

  /* ---- the socket ---- */
  function connect() {
    if (stopped) return;
    clearTimeout(reconnectTimer);
    if (navigator.onLine === false) { showConnection(S.offline); return; }
    showConnection(attempt ? S.reconnecting : S.connecting);
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + wsPath + "?since=" + lastSeq + "&lang=" + encodeURIComponent(lang);
    var socket = new WebSocket(url);
    ws = socket;
    socketId += 1;
    me = null;
    socket.onmessage = function (message) {
      if (socket !== ws) return;
      lastHeard = Date.now();
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function (event) {
      if (socket !== ws) return;
      ws = null;
      me = null;
      clearInterval(heartbeatTimer);
      if (event.code === 4403) { stopped = true; showConnection(S.removed); disableForm(); return; }
      // After a limit close the server says how long to wait ("retry_after=8").
      var retry = /retry_after=(\d+)/.exec(event.reason || "");
      scheduleReconnect(retry ? Number(retry[1]) * 1000 : 0);
    };
  }
  function scheduleReconnect(atLeast) {
    if (stopped) return;
    if (navigator.onLine === false) { showConnection(S.offline); return; }
    showConnection(S.reconnecting);
    // Exponential backoff (0.5 s doubling to 30 s) with full jitter (a random
    // wait from 0 to the ceiling), so that a room of phones does not
    // reconnect all at the same instant.
    var ceiling = Math.min(30000, 500 * Math.pow(2, attempt));
    attempt += 1;
    reconnectTimer = setTimeout(connect, (atLeast || 0) + Math.random() * ceiling);
  }
  function send(frame) {
    if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame));
  }
  function startHeartbeat() {
    clearInterval(heartbeatTimer);
    heartbeatTimer = setInterval(function () {
      if (!ws) return;
      if (Date.now() - lastHeard > heartbeat * 2500) { ws.close(); return; }
      send({ type: "ping" });
    }, heartbeat * 1000);
  }

  window.addEventListener("offline", function () {
    showConnection(S.offline);
    if (ws) { var socket = ws; ws = null; me = null; socket.close(); }
  });
  window.addEventListener("online", function () {
    attempt = 0;
    if (!ws) connect();
  });

  /* ---- frames from the server ---- */
  function handle(frame) {
    switch (frame.type) {
      case "welcome": return onWelcome(frame);
      case "history":
        frame.events.forEach(receive);
        // A fetch gets one page: ask again while the gap is still open.
        if (frame.fill && !frame.complete) askForGap();
        return;
      case "event": return receive(frame);
      case "ack": return settle(frame.client_id);
      case "error": return onError(frame);
      case "presence": return onPresence(frame);
      case "live":
        // Redis is away: what people send is stored, others' events come after.
        showConnection(frame.state === "paused" ? S.paused : "");
        return;
      case "pong":
        if (frame.online !== Object.keys(participants).length) send({ type: "presence.sync" });
        return;
    }
  }

  function onWelcome(frame) {
    me = frame.you;
    attempt = 0;
    heartbeat = frame.limits.heartbeat || 25;
    myVotes = frame.you.votes || {};
    myUpvotes = {};
    (frame.you.upvoted || []).forEach(function (seq) { myUpvotes[seq] = true; });
    participants = {};
    frame.participants.forEach(function (p) { participants[p.pid] = p; });
    setStatus(frame.workshop.status);
    if (!me.host && frame.workshop.status !== "ended") showRegistered();
    setNotice(frame.workshop.pinned_notice);
    if (frame.workshop.last_seq === 0) clearServerTranscript();
    showConnection("");
    renderPeople();
    renderActions();
    startHeartbeat();
    flush();
  }

  function onError(frame) {
    if (frame.code === "since_ahead") return startAfresh();
    var entry = null;
    outbox.forEach(function (e) { if (e.frame.client_id === frame.client_id) entry = e; });
    if (entry && (frame.code === "rate_limited" || frame.code === "server_error")) {
      entry.sentOn = 0;
      entry.holdUntil = Date.now() + 1500;
      setTimeout(flush, 1600);
      return;
    }
    if (entry) {
      var pending = transcript.querySelector('[data-client-id="' + frame.client_id + '"]');
      if (pending) pending.remove();
      settle(frame.client_id);
    }
    showError(frame.message);
  }
  function showError(text) {
    var box = document.getElementById("room-error");
    if (!box) {
      box = el("p", "message message--error");
      box.id = "room-error";
      box.setAttribute("role", "alert");
      (form || transcript).parentNode.insertBefore(box, form || null);
    }
    box.textContent = text;
    clearTimeout(showError.timer);
    showError.timer = setTimeout(function () { box.remove(); }, 6000);
  }

  function onPresence(frame) {
    if (frame.participants) {
      participants = {};
      frame.participants.forEach(function (p) { participants[p.pid] = p; });
    }
    (frame.joined || []).forEach(function (p) { participants[p.pid] = p; });
    (frame.left || []).forEach(function (pid) { delete participants[pid]; });
    renderPeople();
  }

  /* ---- the ordered log: apply each seq exactly once, in order ---- */
  function receive(event) {
    if (event.seq <= lastSeq || buffer[event.seq]) return;
    if (event.seq > lastSeq + 1) {
      buffer[event.seq] = event;
      askForGap();
      return;
    }
    apply(event);
    lastSeq = event.seq;
    while (buffer[lastSeq + 1]) {
      var next = buffer[lastSeq + 1];
      delete buffer[lastSeq + 1];
      apply(next);
      lastSeq = next.seq;
    }
  }
  function askForGap() {
    if (gapTimer) return;
    // Wait a moment: an event may only be late, not lost.
    gapTimer = setTimeout(function () {
      gapTimer = null;
      var waiting = Object.keys(buffer).map(Number).sort(function (a, b) { return a - b; });
      if (waiting.length && waiting[0] > lastSeq + 1) {
        send({ type: "fetch", after: lastSeq, until: waiting[0] - 1 });
      }
    }, 300);
  }

  // The server's log is shorter than what we showed: it replays it from the start.
  function startAfresh() {
    lastSeq = 0;
    buffer = {};
    items = {};
    polls = {};
    cleared = false;
    clearServerTranscript();
  }

  function clearServerTranscript() {
    if (cleared) return;
    cleared = true;
    transcript.textContent = "";
    pollsBox.textContent = "";
  }

  function apply(e) {
    clearServerTranscript();
    var d = e.data || {};
    switch (e.kind) {
      case "chat.message":
      case "question.asked":
        return addItem(e);
      case "chat.deleted":
        if (items[e.target]) markDeleted(items[e.target]);
        return;
      case "question.upvoted":
        if (items[e.target]) { items[e.target].votes = d.votes; renderItemMeta(items[e.target]); }
        return;
      case "question.answered":
        if (items[e.target]) { items[e.target].answered = true; renderItemMeta(items[e.target]); }
        return;
      case "hand.raised":
      case "hand.lowered":
        updatePerson(d.pid, { hand: e.kind === "hand.raised" });
        return;
      case "participant.muted":
      case "participant.unmuted":
        updatePerson(d.pid, { muted: e.kind === "participant.muted" });
        return;
      case "participant.removed":
        delete participants[d.pid];
        renderPeople();
        return;
      case "poll.opened":
        polls[e.seq] = { seq: e.seq, question: d.question, options: d.options, counts: d.options.map(function () { return 0; }), closed: false };
        return renderPoll(polls[e.seq]);
      case "poll.voted":
      case "poll.closed":
        if (!polls[e.target]) return;
        polls[e.target].counts = d.counts;
        if (e.kind === "poll.closed") polls[e.target].closed = true;
        return renderPoll(polls[e.target]);
      case "workshop.started":
        setStatus("live");
        return;
      case "workshop.ended":
        setStatus("ended");
        return;
      case "notice.pinned":
        setNotice(d.text);
        return;
    }
  }

  function updatePerson(pid, changes) {
    if (participants[pid]) Object.keys(changes).forEach(function (k) { participants[pid][k] = changes[k]; });
    if (me && me.pid === pid) Object.keys(changes).forEach(function (k) { me[k] = changes[k]; });
    renderPeople();
    renderActions();
  }

  /* ---- transcript items ---- */
  function addItem(e) {
    var item = {
      seq: e.seq, kind: e.kind === "question.asked" ? "question" : "message",
      name: e.actor ? e.actor.name : "—", at: e.at, text: (e.data && e.data.text) || "",
      deleted: !!(e.data && e.data.deleted), votes: 0, answered: false, mine: !!(me && e.actor && e.actor.pid === me.pid)
    };
    var li = el("li", "room-item room-item--" + item.kind);
    li.setAttribute("data-seq", e.seq);
    item.li = li;
    item.meta = el("span", "room-item__meta");
    item.body = el("span", "room-item__text");
    item.tools = el("span", "room-item__tools");
    li.appendChild(item.meta);
    li.appendChild(item.body);
    li.appendChild(item.tools);
    items[e.seq] = item;
    if (e.client_id) {
      var pending = transcript.querySelector('[data-client-id="' + e.client_id + '"]');
      if (pending) pending.remove();
    }
    var firstPending = transcript.querySelector(".room-item--pending");
    transcript.insertBefore(li, firstPending);
    if (item.deleted) markDeleted(item); else { item.body.textContent = item.text; renderItemMeta(item); }
    var nearBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 120;
    if (nearBottom) transcript.scrollTop = transcript.scrollHeight;
  }
  function markDeleted(item) {
    item.deleted = true;
    item.li.classList.add("room-item--deleted");
    item.body.textContent = "";
    item.body.appendChild(el("em", "muted", S.deleted));
    renderItemMeta(item);
  }
  function renderItemMeta(item) {
    item.meta.textContent = "";
    item.meta.appendChild(el("strong", "", item.name));
    item.meta.appendChild(document.createTextNode(" " + clock(item.at)));
    if (item.kind === "question") {
      item.meta.appendChild(document.createTextNode(" · " + S.question));
      if (item.votes) item.meta.appendChild(document.createTextNode(" · " + item.votes + " ▲"));
      if (item.answered) item.meta.appendChild(el("span", "room-item__answered", " · " + S.answered));
    }
    item.tools.textContent = "";
    if (item.deleted || status === "ended") return;
    if (item.kind === "question" && !myUpvotes[item.seq] && !item.mine) {
      item.tools.appendChild(button("▲ " + S.upvote, function () {
        myUpvotes[item.seq] = true;
        enqueue({ type: "question.upvote", seq: item.seq });
        renderItemMeta(item);
      }, "button--link"));
    }
    if (me && me.host) {
      if (item.kind === "question" && !item.answered) {
        item.tools.appendChild(button(S.mark_answered, function () { enqueue({ type: "question.answer", seq: item.seq }); }, "button--link"));
      }
      item.tools.appendChild(button(S["delete"], function () { enqueue({ type: "chat.delete", seq: item.seq }); }, "button--link button--danger"));
    }
  }

  /* ---- polls ---- */
  function renderPoll(poll) {
    var box = poll.box;
    if (!box) {
      box = poll.box = el("div", "panel room-poll");
      pollsBox.insertBefore(box, pollsBox.firstChild);
    }
    box.textContent = "";
    var title = el("p");
    title.appendChild(el("strong", "", poll.question));
    if (poll.closed) title.appendChild(el("span", "muted", " · " + S.closed));
    box.appendChild(title);
    var total = poll.counts.reduce(function (a, b) { return a + b; }, 0);
    var list = el("ul", "plain-list");
    poll.options.forEach(function (option, index) {
      var row = el("li", "room-poll__option");
      var voted = myVotes[poll.seq] === index;
      row.appendChild(el("span", voted ? "room-poll__mine" : "", (voted ? "✓ " : "") + option));
      row.appendChild(el("span", "muted", " · " + poll.counts[index] + " " + (poll.counts[index] === 1 ? S.vote_one : S.votes)));
      var bar = el("span", "progress");
      var fill = el("span");
      fill.style.width = (total ? Math.round(100 * poll.counts[index] / total) : 0) + "%";
      bar.appendChild(fill);
      row.appendChild(bar);
      if (!poll.closed && myVotes[poll.seq] === undefined && status !== "ended") {
        row.appendChild(button(S.vote, function () {
          myVotes[poll.seq] = index;
          enqueue({ type: "poll.vote", seq: poll.seq, option: index });
          renderPoll(poll);
        }));
      }
      list.appendChild(row);
    });
    box.appendChild(list);
    if (me && me.host && !poll.closed) {
      box.appendChild(button(S.close_poll, function () { enqueue({ type: "poll.close", seq: poll.seq }); }));
    }
  }

  /* ---- people and actions ---- */
  function renderPeople() {
    people.textContent = "";
    var list = Object.keys(participants).map(function (k) { return participants[k]; });
    list.sort(function (a, b) { return (b.host - a.host) || a.name.localeCompare(b.name); });
    countBox.textContent = "(" + list.length + ")";
    list.forEach(function (p) {
      var li = el("li", "room-person");
      li.appendChild(el("span", "room-person__name", p.name));
      if (me && p.pid === me.pid) li.appendChild(el("span", "muted", " (" + S.you + ")"));
      if (p.host) li.appendChild(el("span", "room-badge", S.host));
      if (p.hand) li.appendChild(el("span", "room-badge room-badge--hand", S.hand));
      if (p.muted) li.appendChild(el("span", "room-badge room-badge--muted", S.muted));
      if (me && me.host && !p.host && status !== "ended") {
        var tools = el("span", "room-person__tools");
        if (p.hand) tools.appendChild(button(S.lower_hand, function () { enqueue({ type: "hand.lower", pid: p.pid }); }, "button--link"));
        tools.appendChild(button(p.muted ? S.unmute : S.mute, function () { enqueue({ type: "participant.mute", pid: p.pid, muted: !p.muted }); }, "button--link"));
        tools.appendChild(button(S.remove, function () {
          if (window.confirm(S.confirm_remove)) enqueue({ type: "participant.remove", pid: p.pid });
        }, "button--link button--danger"));
        li.appendChild(tools);
      }
      people.appendChild(li);
    });
  }

  function renderActions() {
    actions.textContent = "";
    if (!me || status === "ended") return;
    actions.appendChild(me.hand
      ? button(S.lower_hand, function () { enqueue({ type: "hand.lower" }); })
      : button(S.raise_hand, function () { enqueue({ type: "hand.raise" }); }));
    if (!me.host) return;
    if (status === "scheduled") actions.appendChild(button(S.start, function () { enqueue({ type: "workshop.start" }); }, ""));
    if (status === "live") {
      actions.appendChild(button(S.end, function () {
        if (window.confirm(S.confirm_end)) enqueue({ type: "workshop.end" });
      }, "button--danger"));
    }
    var notice = el("details", "room-tool");
    notice.appendChild(el("summary", "", S.pin));
    var noticeText = el("textarea");
    noticeText.rows = 2;
    noticeText.maxLength = 500;
    noticeText.setAttribute("aria-label", S.notice_text);
    noticeText.placeholder = S.notice_text;
    notice.appendChild(noticeText);
    notice.appendChild(button(S.pin, function () { enqueue({ type: "notice.pin", text: noticeText.value }); notice.open = false; }));
    actions.appendChild(notice);
    var poll = el("details", "room-tool");
    poll.appendChild(el("summary", "", S.open_poll));
    var question = el("input");
    question.type = "text";
    question.placeholder = S.poll_question;
    question.setAttribute("aria-label", S.poll_question);
    var options = el("textarea");
    options.rows = 3;
    options.placeholder = S.poll_options;
    options.setAttribute("aria-label", S.poll_options);
    poll.appendChild(question);
    poll.appendChild(options);
    poll.appendChild(button(S.open_poll, function () {
      var choices = options.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
      enqueue({ type: "poll.open", question: question.value, options: choices });
      poll.open = false;
    }));
    actions.appendChild(poll);
  }

  function setStatus(value) {
    var changed = status !== value;
    status = value;
    root.setAttribute("data-status", value);
    if (statusBox && changed) {
      statusBox.className = "workshop-status workshop-status--" + value;
      statusBox.textContent = S["status_" + value] || value;
    }
    if (value === "ended") {
      disableForm();
      // Nothing left to register for or to put in a calendar.
      var pageActions = document.getElementById("workshop-actions");
      if (pageActions) pageActions.hidden = true;
    }
    renderActions();
  }
  // Joining the room registers a participant (the server does it on connect):
  // the page header, rendered before, now says so.
  function showRegistered() {
    var register = document.getElementById("workshop-register");
    var unregister = document.getElementById("workshop-unregister");
    var count = document.getElementById("workshop-registered");
    if (!register || register.hidden) return;
    register.hidden = true;
    if (unregister) unregister.hidden = false;
    if (count) {
      var n = Number(count.getAttribute("data-count")) + 1;
      count.setAttribute("data-count", n);
      count.textContent = n + " / " + count.getAttribute("data-capacity");
    }
  }
  function setNotice(text) {
    noticeBox.textContent = text || "";
    noticeBox.hidden = !text;
  }
  function disableForm() {
    if (!form) return;
    form.querySelectorAll("textarea, button, input").forEach(function (n) { n.disabled = true; });
  }

  /* ---- the composer ---- */
  if (form) {
    var textarea = form.querySelector("textarea");
    var asQuestion = form.querySelector('input[name="kind"]');
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = textarea.value.trim();
      if (!text) return;
      enqueue({ type: asQuestion && asQuestion.checked ? "question.ask" : "chat.send", text: text });
      textarea.value = "";
      if (asQuestion) asQuestion.checked = false;
      textarea.focus();
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
  }

  // Messages written in an earlier visit that never reached the server.
  outbox.forEach(function (entry) {
    entry.sentOn = 0;
    if (entry.frame.type === "chat.send" || entry.frame.type === "question.ask") showPending(entry.frame);
  });
  connect();
})();
