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
    /* Decide a scan without the server, as the server would (same codes), from the cached list
     * plus the scans this phone already admitted today. */
    async decide(raw, direction, venueId) {
      const token = normalise(raw);
      const h = await sha256(token);
      const list = this.tickets();
      const now = new Date();
      if (h === null) {
        return { result: "pending", title: "已离线记录", message: "此页面无法离线核验票码，已记录，联网后自动核验。" };
      }
      if (list.date !== localDay(now)) {
        return { result: "pending", title: "已离线记录", message: "未缓存今日票据，已记录，联网后自动核验。" };
      }
      const t = list.tickets.find((x) => x.h === h);
      if (!t) return { result: "unknown", message: "离线核验：今日本场馆票据中没有此票码（票码无效、不是今天或不是本场馆的预约）。" };
      const booking = { reference: t.reference, school: t.school, students: t.students,
        teachers: t.teachers, time: hm(t.starts_at) + "–" + hm(t.ends_at), venue: "" };
      const mine = this.queue().filter((i) => i.h === h && i.local_result === "ok");
      if (t.status === "pending") return { result: "under_review", booking, message: "入场码尚未生效：预约待审核。" };
      if (t.status !== "confirmed") return { result: "revoked", booking, message: "入场码已作废：预约已取消。" };
      if (direction === "out") {
        if (!(t.checked_in || mine.some((i) => i.direction === "in")))
          return { result: "not_checked_in", booking, message: "该团队尚未签到，无法登记离场。" };
        if (t.checked_out || mine.some((i) => i.direction === "out"))
          return { result: "already_checked_out", booking, message: "该团队已登记离场。" };
        return { result: "ok", booking, h, message: "离场已离线登记：" + t.school };
      }
      if (t.checked_in || mine.some((i) => i.direction === "in"))
        return { result: "already_checked_in", booking, message: "该团队已签到。" };
      const warnings = [];
      if (venueId && t.venue_id && String(t.venue_id) !== String(venueId))
        warnings.push({ code: "wrong_venue", message: "其他场馆的预约。" });
      const starts = new Date(t.starts_at).getTime();
      if (now.getTime() < starts - 60 * 60000) warnings.push({ code: "early", message: "早到：场次 " + hm(t.starts_at) + " 开始。" });
      else if (now.getTime() > starts + 30 * 60000) warnings.push({ code: "late", message: "迟到：场次 " + hm(t.starts_at) + " 已开始。" });
      return { result: "ok", booking, h, warnings,
        message: "签到成功（离线）：" + t.school + "，" + t.students + "名学生、" + t.teachers + "名教师。" };
    },
    localDay,
  };
  window.GateOffline = Offline;
})();
