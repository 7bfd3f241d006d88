/* 入口核验: camera (jsQR), scanner gun, photo and search; big colour-coded outcome;
 * keeps deciding offline and syncs queued scans exactly once (client_id). */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const root = $("gate");
  const cfg = root.dataset;
  const Offline = window.GateOffline;
  // Titles per result live in the template (templates/checkin/_results.html).
  const TITLES = JSON.parse(cfg.titles || "{}");
  const title = (result, dir) => TITLES[result === "ok" && dir === "out" ? "ok_out" : result] || result;
  let online = navigator.onLine;
  let last = { text: "", at: 0 };
  let current = null;      // the last server answer (for number corrections)
  let pendingConfirm = null;  // a scan waiting for "confirm" (more than booked / venue full)

  // ---- outcome panel ------------------------------------------------------------------
  // The server says the tone; offline answers use the same three (see CheckInResult.tone).
  function tone(ans) {
    const t = ans.tone || ({ ok: "ok", re_entry: "ok", already_inside: "warn", confirm_required: "warn",
      no_venue: "warn", pending: "warn" })[ans.result] || "bad";
    return t === "ok" && ans.warnings && ans.warnings.length ? "warn" : t;
  }
  const admitted = (ans) => ans.result === "ok" || ans.result === "re_entry";
  function show(ans, offline) {
    const panel = $("outcome");
    panel.className = "outcome " + tone(ans);
    panel.dataset.result = ans.result;
    $("outcome-title").textContent = title(ans.result, ans.direction) + (offline ? "（离线）" : "");
    $("outcome-message").textContent = ans.message || "";
    const dl = $("outcome-booking");
    dl.replaceChildren();
    const b = ans.booking;
    if (b) {
      const booked = b.kind === "individual" ? "个人报名（1人）" : b.students + " 名学生，" + b.teachers + " 名教师";
      const rows = [["学校", b.school], ["编号", b.reference], ["场次", (b.event ? b.event + " " : "") + (b.time || "")],
        ["场馆", b.venue], ["预约", booked], ["车辆", b.vehicles]];
      for (const [k, v] of rows) {
        if (!v) continue;
        const dt = document.createElement("dt"); dt.textContent = k;
        const dd = document.createElement("dd"); dd.textContent = v;
        dl.append(dt, dd);
      }
    }
    dl.classList.toggle("hidden", !b);
    const ul = $("outcome-warnings");
    ul.replaceChildren(...(ans.warnings || []).map((w) => {
      const li = document.createElement("li"); li.textContent = w.message; return li;
    }));
    // The numbers of the last movement can be corrected (a partial exit: scan, then fewer).
    const correctable = admitted(ans) && ans.id && !offline && !(b && b.kind === "individual");
    $("numbers-form").classList.toggle("hidden", !correctable);
    if (correctable) {
      $("numbers-hint").textContent = ans.direction === "out"
        ? "核对离场人数（只走一部分人时改小）" : "核对本次入场人数（可减少；超出需确认）";
      $("num-students").value = ans.students; $("num-teachers").value = ans.teachers;
      $("num-confirm-box").classList.add("hidden"); $("num-confirm").checked = false;
    }
    $("confirm-admit").classList.toggle("hidden", ans.result !== "confirm_required");
    current = correctable ? ans : null;
  }

  function setNet(isOnline) {
    online = isOnline;
    $("net").textContent = isOnline ? "在线" : "离线";
    $("net").className = "pill " + (isOnline ? "online" : "offline");
  }
  function signedOut() {
    $("net").textContent = "登录已过期，请重新登录后同步";
    $("net").className = "pill offline";
  }
  function showQueue() {
    const n = Offline.queue().length;
    $("queue").textContent = "待同步 " + n + " 条";
    $("queue").classList.toggle("waiting", n > 0);
  }

  // ---- one scan -------------------------------------------------------------------------
  const direction = () => document.querySelector("input[name=direction]:checked").value;
  const venueId = () => $("venue").value ? Number($("venue").value) : null;

  async function post(url, body) {
    const r = await fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body) });
    let data = null;
    try { data = await r.json(); } catch (e) { /* not JSON: a proxy or captive portal */ }
    if (r.status === 401 || r.status === 403 || r.redirected) {
      // Signed out (session expired): keep scans on the phone until staff sign in again.
      const e = new Error("auth"); e.auth = true; throw e;
    }
    if (!data || r.status >= 500) throw new Error("server " + r.status);
    return { status: r.status, data };
  }

  async function submit(raw, via, extra) {
    const token = Offline.normalise(raw);
    if (!token) return;
    const body = Object.assign({ token, direction: direction(), client_id: Offline.newClientId(),
      venue_id: venueId(), via }, extra || {});
    if (online) {
      try {
        const { data } = await post(cfg.checkinUrl, body);
        setNet(true);
        if (data.result) {
          show(data, false);
          pendingConfirm = data.result === "confirm_required" ? body : null;
          refreshCounts();
        } else {
          show({ result: "unknown", message: data.message || "请求有误。" }, false);
        }
        return;
      } catch (e) {
        if (e.auth) signedOut(); else setNet(false);  // decide locally, sync later
      }
    }
    const local = await Offline.decide(token, body.direction, body.venue_id, body.confirm === true);
    if (local.result === "confirm_required") {
      // Nothing is queued until staff confirm (the confirm button submits again, confirmed).
      pendingConfirm = body;
      show(Object.assign({ direction: body.direction }, local), true);
      return;
    }
    Offline.enqueue(Object.assign(body, { offline: true, scanned_at: new Date().toISOString(),
      local_result: local.result, h: local.h || null, persons: local.persons || 0 }));
    showQueue();
    show(Object.assign({ direction: body.direction }, local), true);
  }

  // ---- sync: oldest first; a scan leaves the queue only once the server has answered -------
  let syncing = false;
  async function sync() {
    if (syncing) return;
    syncing = true;
    try {
      for (const item of Offline.queue()) {
        const body = Object.assign({}, item); delete body.h; delete body.persons;
        try {
          await post(cfg.checkinUrl, body);
        } catch (e) { if (e.auth) signedOut(); else setNet(false); return; }
        setNet(true);
        Offline.dequeue(item.client_id);
        showQueue();
      }
      await refreshTickets();
      refreshCounts();
    } finally { syncing = false; }
  }

  async function refreshTickets() {
    try {
      const r = await fetch(cfg.ticketsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (r.ok) Offline.storeTickets(await r.json());
    } catch (e) { setNet(false); }
    showCache();
  }
  function showCache() {
    const list = Offline.tickets();
    const today = list.date === Offline.localDay(new Date());
    $("cache").textContent = today ? "离线票据 " + list.tickets.length + " 张" : "离线票据未缓存";
    $("cache").dataset.count = today ? list.tickets.length : "";
  }

  async function refreshCounts() {
    try {
      const r = await fetch(cfg.summaryUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!r.ok) return;
      const s = await r.json();
      $("counts").replaceChildren(...s.venues.map((v) => {
        const tr = document.createElement("tr");
        if (v.at_capacity) tr.className = "full";
        for (const x of [v.venue, v.booked_persons, v.arrived_persons, v.on_site, v.safe_occupancy]) {
          const td = document.createElement("td"); td.textContent = x; tr.append(td);
        }
        return tr;
      }));
      $("campus-booked").textContent = s.campus.booked_persons;
      $("campus-arrived").textContent = s.campus.arrived_persons;
      $("campus-on-site").textContent = s.campus.on_site;
    } catch (e) { /* offline: keep the last figures */ }
  }

  // ---- scanner gun / typing: always focused, Enter-terminated, IME-proof -----------------
  // With a Chinese IME on, a keyboard-wedge scanner's keystrokes arrive as "Process"/composition
  // events; the physical key codes still say which character was meant, so we rebuild it.
  const input = $("scan-input");
  let keys = "";
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") return;
    if (ev.isComposing || ev.key === "Process" || ev.keyCode === 229) {
      const m = /^(?:Key([A-Z])|Digit([0-9])|Numpad([0-9]))$/.exec(ev.code);
      if (m) keys += m[1] || m[2] || m[3];
      else if (ev.code === "Minus" || ev.code === "NumpadSubtract") keys += "-";
    } else if (ev.key.length === 1) {
      keys += ev.key;
    } else if (ev.key === "Backspace") { keys = keys.slice(0, -1); }
  });
  $("scan-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    let value = Offline.normalise(input.value);
    const fromKeys = Offline.normalise(keys);
    // A reference (TY-0513-4K7Q) typed by hand is taken as it is; a gun behind an IME may have
    // left the field garbled while its key codes still spell the token.
    if (!/^HC1-/.test(value) && !Offline.isReference(value) && /^HC1-/.test(fromKeys)) value = fromKeys;
    input.value = ""; keys = "";
    submit(value, "keyboard");
    input.focus();
  });
  // Keep the scan field focused unless staff are using another control.
  document.addEventListener("focusout", () => {
    setTimeout(() => {
      const a = document.activeElement;
      if (!a || a === document.body || a === $("outcome")) input.focus({ preventScroll: true });
    }, 50);
  });

  // ---- camera ---------------------------------------------------------------------------
  function decode(src, w, h, canvas) {
    canvas.width = w; canvas.height = h;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(src, 0, 0, w, h);
    const img = ctx.getImageData(0, 0, w, h);
    return jsQR(img.data, w, h, { inversionAttempts: "attemptBoth" });
  }
  function cameraError(msg) {
    $("camera-box").classList.add("hidden");
    $("camera-error").textContent = msg;
    $("camera-error").classList.remove("hidden");
  }
  async function startCamera() {
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraError("此地址无法直接使用摄像头（需要 HTTPS）。请用“拍照识别”、扫码枪或搜索。");
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: { ideal: "environment" } } });
    } catch (e) {
      cameraError("无法打开摄像头（" + e.message + "）。请用“拍照识别”、扫码枪或搜索。");
      return;
    }
    const v = $("video");
    v.srcObject = stream;
    await v.play();
    const canvas = document.createElement("canvas");
    const tick = () => {
      if (v.readyState >= 2 && v.videoWidth) {
        const code = decode(v, v.videoWidth, v.videoHeight, canvas);
        // The same code stays in view for a while: act on it once per few seconds.
        if (code && code.data && (code.data !== last.text || Date.now() - last.at > 4000)) {
          last = { text: code.data, at: Date.now() };
          // Any QR code in view (a poster, a WeChat code) is not a scan attempt: only tickets go on.
          if (/^HC1-/.test(Offline.normalise(code.data))) submit(code.data, "camera");
          else show({ result: "unknown", message: "这不是本系统的入场码，请扫描预约确认页上的二维码。" }, false);
        }
      }
      setTimeout(tick, 150);
    };
    tick();
  }

  $("photo").addEventListener("change", async (ev) => {
    const file = ev.target.files[0];
    if (!file) return;
    try {
      const bmp = await createImageBitmap(file);
      const scale = Math.min(1, 1280 / Math.max(bmp.width, bmp.height));  // phone photos are huge
      const code = decode(bmp, Math.round(bmp.width * scale), Math.round(bmp.height * scale), document.createElement("canvas"));
      if (code && code.data) submit(code.data, "photo");
      else show({ result: "unknown", message: "照片中未找到二维码，请对准入场码重拍。" }, false);
    } catch (e) {
      show({ result: "unknown", message: "无法读取这张照片，请重拍。" }, false);
    }
    ev.target.value = "";
    input.focus();
  });

  // ---- confirm / correct numbers ------------------------------------------------------------
  $("confirm-admit").addEventListener("click", () => {
    if (!pendingConfirm) return;
    const body = Object.assign({}, pendingConfirm, { confirm: true, client_id: Offline.newClientId() });
    pendingConfirm = null;
    submit(body.token, "confirm", body);
  });
  $("numbers-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!current) return;
    const url = cfg.numbersUrl.replace("/0/", "/" + current.id + "/");
    const body = { students: Number($("num-students").value), teachers: Number($("num-teachers").value),
      confirm: $("num-confirm").checked };
    try {
      const { data } = await post(url, body);
      if (data.result) { show(data, false); refreshCounts(); }
      else {
        $("outcome-message").textContent = data.message;
        if (data.error === "confirm_required") $("num-confirm-box").classList.remove("hidden");
      }
    } catch (e) { $("outcome-message").textContent = "网络不可用，人数未修改。"; }
  });

  // ---- search -----------------------------------------------------------------------------
  $("search-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = $("search-input").value.trim();
    const list = $("search-results");
    list.replaceChildren();
    if (q.length < 2) return;
    let results = [];
    try {
      const r = await fetch(cfg.searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin",
        headers: { Accept: "application/json" } });
      results = (await r.json()).results || [];
    } catch (e) {
      const li = document.createElement("li"); li.textContent = "离线时无法搜索，请扫码或稍后再试。";
      list.append(li); return;
    }
    if (!results.length) {
      const li = document.createElement("li"); li.textContent = "今日没有匹配的团队或个人。"; list.append(li);
    }
    for (const b of results) {
      const li = document.createElement("li");
      const text = document.createElement("span");
      const size = b.kind === "individual" ? "个人" : b.students + "+" + b.teachers + "人";
      const state = b.inside ? " · 在场 " + b.inside + " 人" : (b.arrived ? " · 已离场" : "");
      text.textContent = b.school + " · " + b.reference + " · " + b.time + " · " + size + state;
      li.append(text);
      if (b.other_venue) {
        const note = document.createElement("em"); note.className = "other-venue";
        note.textContent = "其他场馆：" + (b.venue || "未指定");
        li.append(note);
      }
      if (!b.can_check_in) {
        const note = document.createElement("em"); note.className = "cancelled";
        note.textContent = "已取消，不能入场";
        li.append(note);
      }
      if (b.can_check_in || direction() === "out") {
        const btn = document.createElement("button");
        btn.type = "button"; btn.className = "button";
        btn.textContent = direction() === "out" ? "登记离场" : (b.inside && b.arrived ? "入场" : "签到");
        btn.addEventListener("click", () => { list.replaceChildren(); submit(b.token, "search"); });
        li.append(btn);
      }
      list.append(li);
    }
  });

  // ---- start -----------------------------------------------------------------------------
  window.addEventListener("online", () => { setNet(true); sync(); });
  window.addEventListener("offline", () => setNet(false));
  const savedVenue = localStorage.getItem("visitorapp.gate.venue");
  if (savedVenue !== null && [...$("venue").options].some((o) => o.value === savedVenue)) $("venue").value = savedVenue;
  $("venue").addEventListener("change", () => localStorage.setItem("visitorapp.gate.venue", $("venue").value));
  setNet(navigator.onLine);
  showQueue();
  showCache();
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(cfg.swUrl, { scope: "/gate" }).catch(() => {});
  }
  setInterval(() => { if (navigator.onLine) sync(); }, 15000);
  setInterval(refreshTickets, 5 * 60000);
  sync();
  input.focus();
  root.dataset.ready = "1";  // handlers attached: scans typed from now on are decided here
  startCamera();
})();
