// Xã số: installs the citizen app's service worker (docs/APP.md). The pages work without it.
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(function () {});
