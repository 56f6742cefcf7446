package mail

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DKIM signs outgoing mail (RFC 6376: rsa-sha256, relaxed/relaxed), so the receiving
// servers can tell the commune's official mail from a forgery. The public key is
// published in DNS at <Selector>._domainkey.<Domain> (DNSRecord gives the TXT value).
//
// It is written here because the served module that would do it (emersion/go-msgauth)
// is not available from the module proxy; the signature is checked in the tests by an
// independent implementation (dkimpy) as well as by Verify.
type DKIM struct {
	Domain   string
	Selector string
	Key      *rsa.PrivateKey
	Now      func() time.Time
}

// signedHeaders are the fields the signature covers (those present are signed).
var signedHeaders = []string{"From", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Reply-To"}

// LoadDKIMKey reads an RSA private key in PEM (PKCS #1 or PKCS #8), 1024 bits or more.
func LoadDKIMKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	b, _ := pem.Decode(pemBytes)
	if b == nil {
		return nil, errors.New("mail: DKIM key: no PEM block")
	}
	var key *rsa.PrivateKey
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		key = k
	} else if k8, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		rk, ok := k8.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("mail: DKIM key: not RSA")
		}
		key = rk
	} else {
		return nil, fmt.Errorf("mail: DKIM key: %w", err)
	}
	if key.N.BitLen() < 1024 {
		return nil, errors.New("mail: DKIM key shorter than 1024 bits")
	}
	return key, nil
}

// DNSRecord is the TXT record to publish for the key.
func (d *DKIM) DNSRecord() (string, error) {
	der, err := x509.MarshalPKIXPublicKey(&d.Key.PublicKey)
	if err != nil {
		return "", err
	}
	return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der), nil
}

// Sign returns msg (CRLF line ends) with a DKIM-Signature field in front.
func (d *DKIM) Sign(msg []byte) ([]byte, error) {
	header, body, ok := bytes.Cut(msg, []byte("\r\n\r\n"))
	if !ok {
		return nil, errors.New("mail: DKIM: no header/body separator")
	}
	fields := splitHeader(header)
	bh := sha256.Sum256(relaxedBody(body))
	var names []string
	for _, n := range signedHeaders {
		if _, ok := lastField(fields, n); ok {
			names = append(names, strings.ToLower(n))
		}
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	sig := "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + d.Domain + "; s=" + d.Selector +
		"; t=" + strconv.FormatInt(now().Unix(), 10) + "; h=" + strings.Join(names, ":") +
		"; bh=" + base64.StdEncoding.EncodeToString(bh[:]) + "; b="
	h := sha256.New()
	for _, n := range names {
		f, _ := lastField(fields, n)
		h.Write([]byte(relaxedHeader(f) + "\r\n"))
	}
	h.Write([]byte(relaxedHeader("DKIM-Signature: " + sig)))
	s, err := d.Key.Sign(nil, h.Sum(nil), crypto.SHA256)
	if err != nil {
		return nil, err
	}
	b64 := base64.StdEncoding.EncodeToString(s)
	var out bytes.Buffer
	out.WriteString("DKIM-Signature: " + sig)
	for len(b64) > 0 { // folded, which relaxed canonicalization ignores
		n := min(len(b64), 64)
		out.WriteString("\r\n\t" + b64[:n])
		b64 = b64[n:]
	}
	out.WriteString("\r\n")
	out.Write(msg)
	return out.Bytes(), nil
}

// Verify checks msg's first DKIM-Signature with the public key lookup returns for its
// domain and selector.
func Verify(msg []byte, lookup func(domain, selector string) (*rsa.PublicKey, error)) error {
	header, body, ok := bytes.Cut(msg, []byte("\r\n\r\n"))
	if !ok {
		return errors.New("dkim: no body")
	}
	fields := splitHeader(header)
	raw, ok := lastField(fields, "DKIM-Signature")
	if !ok {
		return errors.New("dkim: not signed")
	}
	tags := map[string]string{}
	_, v, _ := strings.Cut(raw, ":")
	for _, t := range strings.Split(v, ";") {
		k, val, _ := strings.Cut(t, "=")
		tags[strings.TrimSpace(k)] = strings.Join(strings.Fields(val), "")
	}
	if tags["a"] != "rsa-sha256" || tags["c"] != "relaxed/relaxed" {
		return errors.New("dkim: unsupported algorithm or canonicalization")
	}
	bh := sha256.Sum256(relaxedBody(body))
	if base64.StdEncoding.EncodeToString(bh[:]) != tags["bh"] {
		return errors.New("dkim: body hash mismatch")
	}
	pub, err := lookup(tags["d"], tags["s"])
	if err != nil {
		return err
	}
	h := sha256.New()
	for _, n := range strings.Split(tags["h"], ":") {
		if f, ok := lastField(fields, n); ok {
			h.Write([]byte(relaxedHeader(f) + "\r\n"))
		}
	}
	h.Write([]byte(relaxedHeader(bTag.ReplaceAllString(raw, "${1}b="))))
	sig, err := base64.StdEncoding.DecodeString(tags["b"])
	if err != nil {
		return fmt.Errorf("dkim: signature: %w", err)
	}
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h.Sum(nil), sig)
}

// bTag is the signature's b= tag (not bh=), whose value is left out of the hash.
var bTag = regexp.MustCompile(`([;:\s])b=[^;]*`)

// splitHeader splits a header block into its fields, continuation lines included.
func splitHeader(h []byte) []string {
	var out []string
	for _, line := range strings.Split(string(h), "\r\n") {
		if len(out) > 0 && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) {
			out[len(out)-1] += "\r\n" + line
			continue
		}
		out = append(out, line)
	}
	return out
}

// lastField is the bottom-most field named name (RFC 6376 §5.4.2).
func lastField(fields []string, name string) (string, bool) {
	for i := len(fields) - 1; i >= 0; i-- {
		n, _, ok := strings.Cut(fields[i], ":")
		if ok && strings.EqualFold(strings.TrimSpace(n), name) {
			return fields[i], true
		}
	}
	return "", false
}

// relaxedHeader canonicalizes one field (RFC 6376 §3.4.2), without the final CRLF.
func relaxedHeader(f string) string {
	n, v, _ := strings.Cut(f, ":")
	v = strings.ReplaceAll(v, "\r\n", "")
	return strings.ToLower(strings.TrimSpace(n)) + ":" + strings.Join(strings.FieldsFunc(v, isWSP), " ")
}

func isWSP(r rune) bool { return r == ' ' || r == '\t' }

// relaxedBody canonicalizes a body (RFC 6376 §3.4.4).
func relaxedBody(b []byte) []byte {
	lines := strings.Split(string(b), "\r\n")
	for i, l := range lines {
		l = strings.TrimRight(l, " \t")
		var sb strings.Builder
		ws := false
		for j := 0; j < len(l); j++ { // bytes, not runes: the body need not be UTF-8
			if l[j] == ' ' || l[j] == '\t' {
				ws = true
				continue
			}
			if ws {
				sb.WriteByte(' ')
				ws = false
			}
			sb.WriteByte(l[j])
		}
		lines[i] = sb.String()
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return nil
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}
