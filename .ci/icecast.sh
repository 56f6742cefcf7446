#!/usr/bin/env bash
# Starts an Icecast server for the loudspeakers' live streams (internal/broadcast's
# TestStreamOnIcecast): 127.0.0.1:18000, source password "xaso-test-source", admin and
# relay passwords random (no admin use), its files under /var/lib/xaso-icecast.
# Idempotent: installs icecast2 if missing, (re)writes the configuration, starts the
# server unless it already answers. The test reads XASO_TEST_ICECAST (default
# http://source:xaso-test-source@127.0.0.1:18000) and skips without the server, naming
# this script (fails under CI).
set -euo pipefail
base=/var/lib/xaso-icecast
port=18000
if ! command -v icecast2 >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq icecast2 >/dev/null
fi
if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
  echo "icecast: already listening on $port"; exit 0
fi
# Icecast refuses to run as root: it changes to this user (changeowner below).
id xasoice >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin xasoice
mkdir -p "$base/log"
chown -R xasoice "$base/log"
admin=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
cat >"$base/icecast.xml" <<CONF
<icecast>
  <location>xaso CI</location>
  <admin>root@localhost</admin>
  <limits>
    <clients>50</clients>
    <sources>40</sources>
    <queue-size>524288</queue-size>
    <client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect>
    <burst-size>65535</burst-size>
  </limits>
  <authentication>
    <source-password>xaso-test-source</source-password>
    <relay-password>$admin</relay-password>
    <admin-user>admin</admin-user>
    <admin-password>$admin</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket>
    <port>$port</port>
    <bind-address>127.0.0.1</bind-address>
  </listen-socket>
  <fileserve>0</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>$base/log</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
    <pidfile>$base/log/icecast.pid</pidfile>
  </paths>
  <logging>
    <accesslog>access.log</accesslog>
    <errorlog>error.log</errorlog>
    <loglevel>2</loglevel>
  </logging>
  <security>
    <chroot>0</chroot>
    <changeowner>
      <user>xasoice</user>
      <group>nogroup</group>
    </changeowner>
  </security>
</icecast>
CONF
icecast2 -b -c "$base/icecast.xml" >/dev/null
for _ in $(seq 1 30); do
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && { echo "icecast: listening on $port"; exit 0; }
  sleep 1
done
echo "icecast did not start; see $base/log/error.log" >&2
exit 1
