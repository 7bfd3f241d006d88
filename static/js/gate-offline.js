/* Gate offline support: the day's ticket list, local decisions and the queue of unsynced scans.
 * Kept in localStorage (small: a few hundred tickets a day per venue), per signed-in user.
 * A queued scan keeps its client_id, so syncing it twice (a lost response) still counts once. */
(function () {
  "use strict";
  const PREFIX = "visitorapp.gate." + (document.getElementById("gate").dataset.user || "") + ".";
  const load = (key, fallback) => {
    try { return JSON.parse(localStorage.getItem(PREFIX + key)) ?? fallback; } catch (e) { return fallback; }
  };
  const save = (key, value) => localStorage.setItem(PREFIX + key, JSON.stringify(value));

  function normalise(raw) {
    return (raw || "").normalize("NFKC").toUpperCase().replace(/\s+/g, "");
  }

  // A booking or registration reference typed by hand (TY-0513-4K7Q, BM-0513-4K7Q).
  function isReference(text) { return /^[A-Z]{2}-\d{4}-[A-Z0-9]{4}$/.test(text); }

  function newClientId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);  // available on plain http too (randomUUID is not)
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function sha256(text) {
    if (!(window.crypto && crypto.subtle)) return null;  // not a secure context
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function localDay(date) {  // YYYY-MM-DD in Asia/Shanghai
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(date);
  }
  function hm(iso) {
    return new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", hour: "2-digit",
      minute: "2-digit", hour12: false }).format(new Date(iso));
  }

  const Offline = {
    normalise, newClientId,
    tickets() { return load("tickets", { date: "", tickets: [] }); },
    storeTickets(list) { save("tickets", list); },
    queue() { return load("queue", []); },
    enqueue(item) { const q = this.queue(); q.push(item); save("queue", q); },
    dequeue(clientId) { save("queue", this.queue().filter((i) => i.client_id !== clientId)); },
    /* Decide a scan without the server, with the server's rules (docs/gate.md) and codes, from
     * the cached list (who arrived, who is inside where) plus the scans this phone queued. */
    async decide(raw, direction, venueId, confirm) {
      const token = normalise(raw);
      const list = this.tickets();
      const now = new Date();
      let t = null;
      if (list.date !== localDay(now)) {
        return { result: "pending", message: "未缓存今日票据，已记录，联网后自动核验。" };
      }
      if (isReference(token)) {
        t = list.tickets.find((x) => x.reference === token) || null;
      } else {
        const h = await sha256(token);
        if (h === null) return { result: "pending", message: "此页面无法离线核验票码，已记录，联网后自动核验。" };
        t = list.tickets.find((x) => x.h === h) || null;
      }
      if (!t) return { result: "unknown", message: "离线核验：今日票据中没有此票码或编号（无效、不是今天或不是本场馆的预约）。" };
      const h = t.h;
      const booking = Object.assign({}, t, { time: hm(t.starts_at) + "–" + hm(t.ends_at) });
      // What this phone already let in or out (not yet synced) changes who is inside.
      let arrived = t.arrived, inside = t.inside;
      const venues = Object.assign({}, t.venues || {});
      for (const i of this.queue()) {
        if (i.h !== h || !(i.local_result === "ok" || i.local_result === "re_entry")) continue;
        const n = i.persons || 0, v = String(i.venue_id || t.venue_id);
        if (i.direction === "in") { inside += n; arrived = Math.max(arrived, inside); venues[v] = (venues[v] || 0) + n; }
        else { inside -= n; venues[v] = Math.max(0, (venues[v] || 0) - n); }
      }
      if (direction === "out") {
        if (arrived <= 0) return { result: "not_checked_in", booking, message: "尚未签到，无法登记离场。" };
        if (inside <= 0) return { result: "already_checked_out", booking, message: "已全部离场，目前无人在场。" };
        return { result: "ok", booking, h, persons: inside, message: "离场已离线登记：" + t.school + "，" + inside + "人。" };
      }
      if (t.status === "pending") return { result: "under_review", booking, message: "入场码尚未生效：预约待审核。" };
      if (t.status !== "confirmed") return { result: "revoked", booking, message: "入场码已作废：已取消。" };
      // As the server: those who went out come back; if nobody went out, those still due arrive.
      const gone = arrived - inside, due = Math.max(0, t.students + t.teachers - arrived);
      const persons = gone > 0 ? gone : due;
      if (persons <= 0) return { result: "already_inside", booking, message: "已在场：" + inside + "人在内，无需再次放行。" };
      const reasons = [];
      if (venueId && t.venue_id && String(t.venue_id) !== String(venueId) && !(String(venueId) in venues))
        reasons.push("这是“" + (t.venue || "其他场馆") + "”的预约，不是本场馆");
      const early = ((list.rules || {}).early_confirm_minutes || 60) * 60000;
      if (arrived === 0 && now.getTime() < new Date(t.starts_at).getTime() - early)
        reasons.push("来早了：场次 " + hm(t.starts_at) + " 开始");
      if (reasons.length && !confirm) {
        return { result: "confirm_required", booking, message: reasons.join("；") + "。请核实后确认放行。" };
      }
      const fresh = Math.max(0, inside + persons - arrived);
      return { result: fresh ? "ok" : "re_entry", booking, h, persons,
        warnings: reasons.map((r) => ({ code: "confirmed", message: r + "（已确认放行）。" })),
        message: (fresh ? "签到成功（离线）：" : "再次入场（离线）：") + t.school + "，" + persons + "人。" };
    },
    isReference,
    localDay,
  };
  window.GateOffline = Offline;
})();
