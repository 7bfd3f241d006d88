/* Booking pages: a live hint of the teachers a group needs, a copy button for the management link,
 * and a confirmation before cancelling. Progressive: every page works without this file, and the
 * server checks every rule again (CSP-safe: no inline handlers, loaded from 'self'). */
(function () {
  "use strict";

  function teacherHint(form) {
    var hint = form.querySelector(".live-hint");
    var students = form.querySelector("[name=students]");
    var teachers = form.querySelector("[name=teachers]");
    var stage = form.querySelector("[name=school_stage]");
    if (!hint || !students || !teachers) return;
    var ratio = parseInt(form.getAttribute("data-ratio"), 10) || 20;
    var ratioPrimary = parseInt(form.getAttribute("data-ratio-primary"), 10) || 10;
    var maxGroup = parseInt(form.getAttribute("data-max-group"), 10) || 0;

    function update() {
      var s = parseInt(students.value, 10);
      var t = parseInt(teachers.value, 10);
      if (!(s > 0)) { hint.hidden = true; hint.textContent = ""; return; }
      var primary = (stage ? stage.value : form.getAttribute("data-stage")) === "primary";
      var per = primary ? ratioPrimary : ratio;
      var need = Math.max(1, Math.ceil(s / per));
      var text = s + " 名学生" + (primary ? "（小学）" : "") + "至少需要 " + need + " 名带队教师";
      var bad = false;
      if (t > 0 && t < need) { text += "，当前 " + t + " 名，还差 " + (need - t) + " 名"; bad = true; }
      text += "。";
      if (maxGroup && t > 0 && s + t > maxGroup) {
        text += "学生与教师合计 " + (s + t) + " 人，超过单个团队上限 " + maxGroup + " 人。";
        bad = true;
      }
      hint.textContent = text;
      hint.classList.toggle("warn", bad);
      hint.hidden = false;
    }
    ["input", "change"].forEach(function (type) {
      students.addEventListener(type, update);
      teachers.addEventListener(type, update);
      if (stage) stage.addEventListener(type, update);
    });
    update();
  }

  function copyButtons() {
    var buttons = document.querySelectorAll("[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (button) {
      var input = document.getElementById(button.getAttribute("data-copy-target"));
      var status = document.getElementById(button.getAttribute("data-copy-status"));
      if (!input) return;
      button.hidden = false;
      function done(ok) {
        if (status) status.textContent = ok ? "已复制，请粘贴保存。" : "复制失败，请长按链接手动复制。";
      }
      function fallback() {
        // WeChat on plain http has no async clipboard: select the text and use the old command.
        input.focus();
        input.select();
        input.setSelectionRange(0, input.value.length);
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        done(ok);
      }
      button.addEventListener("click", function () {
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(function () { done(true); }, fallback);
        } else {
          fallback();
        }
      });
    });
  }

  function submitOnce() {
    // A double tap on a slow 4G connection would post twice; the server would answer the second
    // with "already booked", which frightens more than it helps. Re-enabled after a while in
    // case the first request was lost.
    var forms = document.querySelectorAll("form[data-submit-once]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        var buttons = form.querySelectorAll("button[type=submit]");
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
        window.setTimeout(function () {
          Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        }, 15000);
      });
    });
  }

  function confirmForms() {
    var forms = document.querySelectorAll("form[data-confirm]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-ratio]"), teacherHint);
  copyButtons();
  confirmForms();
  submitOnce();
})();
