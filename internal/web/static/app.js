// Xã số: the citizen app (docs/APP.md). Installs the service worker, and queues a filing
// (or a volunteer's visit, /cong-dong) made without connection on the phone, sent when
// the connection returns with its Idempotency-Key. The pages work without it: without
// JavaScript the form posts.
'use strict';
(function () {
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(function () {});
  if (!window.indexedDB || !window.fetch || !window.FormData) return;
  // busy: a replay is running; again: it was asked for meanwhile (run once more at its
  // end); retry, delay: the next try after one failed, 5 s doubling to 5 minutes.
  var STORE = 'nop', DAY = 864e5, busy = false, again = false, retry = null, delay = 5000;

  function db() {
    return new Promise(function (ok, fail) {
      var r = indexedDB.open('xaso', 1);
      r.onupgradeneeded = function () { r.result.createObjectStore(STORE, {keyPath: 'id'}); };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
    });
  }
  function tx(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (ok, fail) {
        var t = d.transaction(STORE, mode), out = fn(t.objectStore(STORE));
        t.oncomplete = function () { d.close(); ok(out && out.result); };
        t.onerror = t.onabort = function () { d.close(); fail(t.error); };
      });
    });
  }
  function all() { return tx('readonly', function (s) { return s.getAll(); }); }
  function put(rec) { return tx('readwrite', function (s) { s.put(rec); }); }
  function del(id) { return tx('readwrite', function (s) { s.delete(id); }); }

  // newKey is the filing's Idempotency-Key, made on the phone.
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }
  function say(form, text, link) {
    var p = document.getElementById('nop-offline');
    if (!p) {
      p = el('p', '', {id: 'nop-offline', 'class': 'note', role: 'status'});
      form.parentNode.insertBefore(p, form);
    }
    p.textContent = text + ' ';
    if (link) p.appendChild(el('a', link[1], {href: link[0]}));
  }

  // Without connection, the form is kept on the phone: its fields and files, the
  // phone's key for the replays, the user it was filled by.
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.hasAttribute || !form.hasAttribute('data-offline') || navigator.onLine !== false) return;
    ev.preventDefault();
    if (!form.checkValidity()) { form.reportValidity(); return; }
    var entries = [];
    new FormData(form).forEach(function (v, n) { entries.push({n: n, v: v, f: v instanceof File ? v.name : null}); });
    var lead = document.querySelector('main .lead'), queue = form.getAttribute('data-queue');
    // data-done: the page a sent form lands on (a visit: /cong-dong); else a filing's.
    var rec = {id: newKey(), action: form.getAttribute('action'), user: form.getAttribute('data-user') || '',
      title: form.getAttribute('data-title') || (lead ? lead.textContent : ''), done: form.getAttribute('data-done') || '',
      at: Date.now(), state: 'waiting', entries: entries};
    put(rec).then(function () {
      if (queue) {
        // A short form (a visit): kept, and the form is ready for the next one.
        say(form, 'Chưa có mạng: đã lưu trên máy và sẽ tự gửi khi có mạng.', [queue, 'Xem mục chờ gửi']);
        form.reset();
        render();
      } else {
        say(form, 'Chưa có mạng: hồ sơ được lưu trên máy và sẽ tự gửi khi có mạng.', ['/account#cho-gui', 'Xem hồ sơ chờ gửi']);
        form.hidden = true;
      }
      if (navigator.serviceWorker && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (r) { if (r.sync) return r.sync.register('xaso-nop'); }).catch(function () {});
      }
    }, function () {
      say(form, 'Không lưu được hồ sơ trên máy này. Vui lòng gửi lại khi có mạng.');
    });
  });

  // replay sends the waiting filings of the user logged in, each with its key: the
  // server answers a key it has seen with the dossier filed the first time.
  // A connection that has just come back often fails the first request: a replay that
  // could not reach the server is tried again later, while the filings wait.
  function replay() {
    if (navigator.onLine === false) return Promise.resolve();
    if (busy) { again = true; return Promise.resolve(); }
    busy = true;
    again = false;
    var failed = false;
    return all().then(function (recs) {
      var todo = recs.filter(function (r) { return r.state === 'waiting' || r.state === 'login'; });
      if (!todo.length) return;
      return fetch('/api/v1/me', {credentials: 'same-origin', headers: {Accept: 'application/json'}}).then(function (me) {
        if (me.status === 401) {
          return Promise.all(todo.map(function (r) { r.state = 'login'; return put(r); }));
        }
        if (!me.ok) throw new Error('later');
        return me.json().then(function (who) {
          return todo.filter(function (r) { return r.user === who.username; }).reduce(function (p, r) {
            return p.then(function () { return send(r); });
          }, Promise.resolve());
        });
      });
    }).catch(function () { failed = true; }).then(function () {
      busy = false;
      render();
      if (again) return replay();
      if (!failed) { delay = 5000; return; }
      if (retry === null) {
        retry = setTimeout(function () { retry = null; replay(); }, delay);
        delay = Math.min(delay * 2, 300000);
      }
    });
  }

  function send(rec) {
    var fd = new FormData();
    rec.entries.forEach(function (e) { if (e.f !== null) fd.append(e.n, e.v, e.f); else fd.append(e.n, e.v); });
    return fetch(rec.action, {method: 'POST', body: fd, credentials: 'same-origin', headers: {'Idempotency-Key': rec.id}})
      .then(function (resp) {
        var path = new URL(resp.url).pathname;
        if (resp.ok && rec.done && path === rec.done) {
          rec.state = 'sent';
          rec.sentAt = Date.now();
          rec.entries = [];
        } else if (resp.ok && !rec.done && path.indexOf('/ho-so-da-nop/') === 0) {
          rec.state = 'sent';
          rec.code = decodeURIComponent(path.slice('/ho-so-da-nop/'.length));
          rec.sentAt = Date.now();
          rec.entries = [];
        } else if (resp.status === 401 || path === '/login') {
          rec.state = 'login';
        } else if (resp.status >= 400 && resp.status < 500 && resp.status !== 429 && resp.status !== 408) {
          rec.state = 'failed';
        } else {
          throw new Error('later');
        }
        return put(rec);
      });
  }

  var labels = {waiting: 'Chờ có mạng để gửi.', login: 'Phiên đăng nhập đã hết: đăng nhập lại để gửi.',
    failed: 'Chưa gửi được: thông tin chưa hợp lệ. Vui lòng nộp lại biểu mẫu rồi xóa bản này.', sent: 'Đã gửi.'};

  // render lists the filings kept on the phone on "Hồ sơ của tôi".
  function render() {
    var box = document.getElementById('cho-gui');
    if (!box) return Promise.resolve();
    return all().then(function (recs) {
      var list = box.querySelector('ul'), now = Date.now();
      list.textContent = '';
      recs.forEach(function (r) {
        if (r.state === 'sent' && now - r.sentAt > DAY) { del(r.id); return; }
        var li = el('li', '', {'class': 'item queued queued-' + r.state});
        li.appendChild(el('p', '', {})).appendChild(el('strong', r.title || 'Hồ sơ'));
        li.appendChild(el('p', 'Lưu lúc ' + new Date(r.at).toLocaleString('vi-VN'), {'class': 'meta'}));
        var p = li.appendChild(el('p', labels[r.state] + ' '));
        if (r.state === 'sent' && r.code) p.appendChild(el('a', 'Mã hồ sơ ' + r.code, {href: '/ho-so-da-nop/' + encodeURIComponent(r.code)}));
        if (r.state === 'login') p.appendChild(el('a', 'Đăng nhập', {href: '/login?next=%2Faccount'}));
        if (r.state !== 'sent') {
          var b = li.appendChild(el('button', 'Xóa', {type: 'button', 'class': 'button secondary'}));
          b.onclick = function () { if (confirm('Xóa hồ sơ chưa gửi này khỏi máy?')) del(r.id).then(render); };
        }
        list.appendChild(li);
      });
      box.hidden = !list.children.length;
    }).catch(function () {});
  }

  window.addEventListener('online', replay);
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener('message', function (ev) { if (ev.data === 'xaso-nop') replay(); });
  }
  render().then(replay);
})();
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
// The app counts its own installs (docs/APP.md, docs/COMMUNITY.md): the first time it runs
// installed (or the browser says it was just installed) it makes a random install id on
// the phone, keeps it here (localStorage) and posts it once to /api/v1/app/installs, with
// the village whose QR poster brought the phone to /ho-tro, when there was one. Nothing
// about the person is sent; the server keeps only the id's hash. Until it is counted it
// tries again on the next page or when the connection returns. A browser tab that is not
// installed is not counted.
(function () {
  if (!window.fetch || !window.localStorage || !window.JSON || !window.crypto || !crypto.getRandomValues) return;
  var KEY = 'xaso-install', VILLAGE = 'xaso-thon';
  function get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function set(k, v) { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (e) {} }
  var m = location.pathname === '/ho-tro' && /[?&]thon=([^&#]{1,40})/.exec(location.search);
  if (m) set(VILLAGE, decodeURIComponent(m[1]));
  var busy = false;
  function report() {
    var st = null;
    try { st = JSON.parse(get(KEY) || 'null'); } catch (e) {}
    if (busy || (st && st.sent)) return;
    if (!st || typeof st.id !== 'string') {
      var b = crypto.getRandomValues(new Uint8Array(16));
      st = {id: Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join(''), sent: false};
      set(KEY, JSON.stringify(st));
    }
    var body = {install_id: st.id}, village = get(VILLAGE);
    if (village) body.village = village;
    busy = true;
    fetch('/api/v1/app/installs', {method: 'POST', credentials: 'omit', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
      .then(function (resp) {
        busy = false;
        if (resp.ok) { st.sent = true; set(KEY, JSON.stringify(st)); return; }
        if (resp.status === 404 && village) { set(VILLAGE, null); report(); } // a village the commune no longer has
      }, function () { busy = false; });
  }
  var installed = (window.matchMedia && matchMedia('(display-mode: standalone)').matches) || navigator.standalone === true;
  window.addEventListener('appinstalled', report);
  if (!installed) return;
  window.addEventListener('online', report);
  report();
})();
