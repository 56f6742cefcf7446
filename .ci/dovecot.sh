#!/usr/bin/env bash
# Starts a Dovecot IMAP server for internal/mail's tests: 127.0.0.1:10143 (plain IMAP,
# LOGIN allowed without TLS on loopback), user "xaso" with password "xaso-test", its
# Maildir under /var/lib/xaso-dovecot. Idempotent: installs dovecot-imapd if missing,
# (re)writes the configuration, starts the server unless it already answers.
# The tests read XASO_TEST_IMAP (default imap://xaso:xaso-test@127.0.0.1:10143) and
# skip without the server, naming this script (fail under CI).
set -euo pipefail
base=/var/lib/xaso-dovecot
port=10143
if ! command -v dovecot >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
fi
if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
  echo "dovecot: already listening on $port"; exit 0
fi
id xasomail >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin xasomail
uid=$(id -u xasomail); gid=$(id -g xasomail)
mkdir -p "$base/run" "$base/mail"
chown -R xasomail:xasomail "$base/mail"
# {PLAIN} is acceptable only because this is a throw-away test server on loopback.
echo "xaso:{PLAIN}xaso-test:$uid:$gid::$base/mail/xaso" >"$base/users"
cat >"$base/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $base/run
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$base/mail/%u/Maildir
first_valid_uid = $uid
log_path = $base/dovecot.log
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $base/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $base/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
dovecot -c "$base/dovecot.conf"
for _ in $(seq 1 30); do
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && { echo "dovecot: listening on $port"; exit 0; }
  sleep 1
done
echo "dovecot did not start; see $base/dovecot.log" >&2
exit 1
