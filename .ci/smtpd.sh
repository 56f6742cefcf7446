#!/usr/bin/env bash
# Starts an SMTP server for the official e-mail's tests: Postfix (its own configuration
# and queue under /var/lib/xaso-postfix, not the system's) on 127.0.0.1:10587 (STARTTLS
# required) and 127.0.0.1:10465 (TLS from the first byte), with a self-signed certificate
# for "localhost" (the tests trust /var/lib/xaso-postfix/cert.pem), delivering every
# message, whatever its recipient, into the Dovecot test user's INBOX (.ci/dovecot.sh,
# run first), so a test sends a document and reads it back by IMAP.
# Idempotent: installs postfix if missing, starts it unless it already answers.
# The tests read XASO_TEST_SMTP (default 127.0.0.1:10587) and skip without the server,
# naming this script (fail under CI).
set -euo pipefail
base=/var/lib/xaso-postfix
conf=$base/conf
mailbase=/var/lib/xaso-dovecot/mail
if ! command -v postfix >/dev/null; then
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
if (exec 3<>/dev/tcp/127.0.0.1/10587) 2>/dev/null; then
  echo "smtp: already listening on 10587"; exit 0
fi
id xasomail >/dev/null 2>&1 || { echo "run .ci/dovecot.sh first" >&2; exit 1; }
uid=$(id -u xasomail); gid=$(id -g xasomail)
mkdir -p "$conf" "$base/queue" "$base/data" "$mailbase/xaso/Maildir"
chown -R xasomail:xasomail "$mailbase"
if [ ! -s "$base/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$base/key.pem" -out "$base/cert.pem" 2>/dev/null
fi
chmod 0600 "$base/key.pem"; chmod 0644 "$base/cert.pem"
cat >"$conf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $base/queue
data_directory = $base/data
mail_owner = postfix
myhostname = localhost
mydomain = localdomain
inet_interfaces = loopback-only
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
relayhost =
maillog_file = $base/postfix.log
smtpd_tls_cert_file = $base/cert.pem
smtpd_tls_key_file = $base/key.pem
smtpd_relay_restrictions = permit_mynetworks, reject
# Every domain is "ours": whatever the recipient, the message lands in the test INBOX.
virtual_mailbox_domains = static:all
virtual_mailbox_base = $mailbase
virtual_mailbox_maps = static:xaso/Maildir/
virtual_minimum_uid = $uid
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
message_size_limit = 52428800
virtual_mailbox_limit = 0
alias_maps =
local_recipient_maps =
CONF
cat >"$conf/master.cf" <<CONF
127.0.0.1:10587 inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
127.0.0.1:10465 inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CONF
postfix -c "$conf" set-permissions >/dev/null 2>&1 || true
postfix -c "$conf" check
postfix -c "$conf" start
for _ in $(seq 1 30); do
  (exec 3<>/dev/tcp/127.0.0.1/10587) 2>/dev/null && { echo "smtp: postfix listening on 10587 and 10465"; exit 0; }
  sleep 1
done
echo "postfix did not start; see $base/postfix.log" >&2
exit 1
