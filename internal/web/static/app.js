// Xã số: installs the citizen app's service worker (docs/APP.md). The pages work without it.
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(function () {});
// "Bật thông báo" on /account/thong-bao (docs/NOTIFY.md): subscribes this browser to Web
// Push with the server's VAPID key. Without Push support the button stays hidden and the
// page works as before.
(function () {
  var b = document.getElementById('bat-thong-bao'), out = document.getElementById('bat-thong-bao-ket-qua');
  if (!b || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return;
  b.hidden = false;
  function say(t) { if (out) out.textContent = t; }
  function key(s) {
    var p = (s + '===='.slice((s.length + 3) % 4)).replace(/-/g, '+').replace(/_/g, '/'), raw = atob(p), a = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) a[i] = raw.charCodeAt(i);
    return a;
  }
  b.addEventListener('click', function () {
    b.disabled = true;
    Notification.requestPermission().then(function (perm) {
      if (perm !== 'granted') throw new Error('Trình duyệt chưa cho phép hiện thông báo.');
      return Promise.all([navigator.serviceWorker.ready, fetch('/api/v1/push/key', {credentials: 'same-origin'}).then(function (r) { return r.json(); })]);
    }).then(function (v) {
      return v[0].pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(v[1].public_key)});
    }).then(function (sub) {
      return fetch('/api/v1/push-subscriptions', {method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(sub)});
    }).then(function (r) {
      if (!r.ok) return r.json().then(function (e) { throw new Error(e.detail || 'Không bật được thông báo.'); });
      say('Đã bật thông báo trên thiết bị này. Hãy đồng ý nhận “Thông báo trên trình duyệt” ở trên nếu chưa đồng ý.');
    }).catch(function (e) { say(e.message || 'Không bật được thông báo.'); b.disabled = false; });
  });
})();
