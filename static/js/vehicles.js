// 车辆信息: the vehicle fields show only when the group comes by vehicle (walking needs none).
document.querySelectorAll("[data-vehicle-fields]").forEach(function (box) {
  var mode = box.querySelector("select[name=arrival]");
  var details = box.querySelector("[data-vehicle-details]");
  if (!mode || !details) return;
  function sync() { details.hidden = mode.value === "walk"; }
  mode.addEventListener("change", sync);
  sync();
});
