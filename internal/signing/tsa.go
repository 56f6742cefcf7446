package signing

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"github.com/digitorus/timestamp"
	"github.com/smallstep/pkcs7"
)

func httpClient(c *http.Client, timeout time.Duration) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: timeout}
}

// addTimestamp asks the TSA at url for an RFC 3161 token over the CMS signature value
// and adds it as the unsigned attribute id-aa-timeStampToken (PAdES B-T).
func addTimestamp(ctx context.Context, cms []byte, url string, client *http.Client) ([]byte, error) {
	p7, err := pkcs7.Parse(cms)
	if err != nil || len(p7.Signers) != 1 {
		return nil, ErrExternalSigner.With(fmt.Errorf("cannot read the CMS signature: %v", err))
	}
	sigValue := p7.Signers[0].EncryptedDigest
	token, err := fetchTimestamp(ctx, sigValue, url, httpClient(client, 15*time.Second))
	if err != nil {
		return nil, ErrTimestamp.With(err)
	}
	return addUnsignedAttribute(cms, oidTimeStampToken, token)
}

func fetchTimestamp(ctx context.Context, data []byte, url string, client *http.Client) ([]byte, error) {
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	req, err := timestamp.CreateRequest(bytes.NewReader(data), &timestamp.RequestOptions{Hash: crypto.SHA256, Certificates: true, Nonce: nonce})
	if err != nil {
		return nil, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(req))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/timestamp-query")
	resp, err := client.Do(hr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("TSA answered %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		return nil, err
	}
	want := sha256.Sum256(data)
	if !bytes.Equal(ts.HashedMessage, want[:]) {
		return nil, errors.New("the token stamps another value")
	}
	if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
		return nil, errors.New("the token's nonce differs from the request's")
	}
	return ts.RawToken, nil
}

// tlvChildren splits the contents of a constructed DER value into its elements.
func tlvChildren(b []byte) ([]asn1.RawValue, error) {
	var out []asn1.RawValue
	for len(b) > 0 {
		var rv asn1.RawValue
		rest, err := asn1.Unmarshal(b, &rv)
		if err != nil {
			return nil, err
		}
		out = append(out, rv)
		b = rest
	}
	return out, nil
}

func rebuild(class, tag int, children []asn1.RawValue) ([]byte, error) {
	var content []byte
	for _, c := range children {
		content = append(content, c.FullBytes...)
	}
	return asn1.Marshal(asn1.RawValue{Class: class, Tag: tag, IsCompound: true, Bytes: content})
}

// addUnsignedAttribute adds an attribute to the unsigned attributes of the one SignerInfo
// of a DER ContentInfo(SignedData), editing the encoding in place so that the signed parts
// keep their exact bytes.
func addUnsignedAttribute(cms []byte, oid asn1.ObjectIdentifier, valueDER []byte) ([]byte, error) {
	var ci asn1.RawValue
	if _, err := asn1.Unmarshal(cms, &ci); err != nil {
		return nil, err
	}
	outer, err := tlvChildren(ci.Bytes) // contentType, [0] SignedData
	if err != nil || len(outer) != 2 {
		return nil, errors.New("signing: not a ContentInfo")
	}
	wrap, err := tlvChildren(outer[1].Bytes) // the SignedData SEQUENCE
	if err != nil || len(wrap) != 1 {
		return nil, errors.New("signing: not a SignedData")
	}
	sd, err := tlvChildren(wrap[0].Bytes)
	if err != nil || len(sd) < 4 {
		return nil, errors.New("signing: not a SignedData")
	}
	infos, err := tlvChildren(sd[len(sd)-1].Bytes)
	if err != nil || len(infos) != 1 {
		return nil, errors.New("signing: one SignerInfo expected")
	}
	si, err := tlvChildren(infos[0].Bytes)
	if err != nil {
		return nil, err
	}
	attr, err := asn1.Marshal(struct {
		Type  asn1.ObjectIdentifier
		Value asn1.RawValue
	}{oid, asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: valueDER}})
	if err != nil {
		return nil, err
	}
	last := si[len(si)-1]
	var unsigned []asn1.RawValue
	if last.Class == asn1.ClassContextSpecific && last.Tag == 1 {
		if unsigned, err = tlvChildren(last.Bytes); err != nil {
			return nil, err
		}
		si = si[:len(si)-1]
	}
	unsigned = append(unsigned, asn1.RawValue{FullBytes: attr})
	ua, err := rebuild(asn1.ClassContextSpecific, 1, unsigned)
	if err != nil {
		return nil, err
	}
	si = append(si, asn1.RawValue{FullBytes: ua})
	siDER, err := rebuild(asn1.ClassUniversal, asn1.TagSequence, si)
	if err != nil {
		return nil, err
	}
	setDER, err := rebuild(asn1.ClassUniversal, asn1.TagSet, []asn1.RawValue{{FullBytes: siDER}})
	if err != nil {
		return nil, err
	}
	sd[len(sd)-1] = asn1.RawValue{FullBytes: setDER}
	sdDER, err := rebuild(asn1.ClassUniversal, asn1.TagSequence, sd)
	if err != nil {
		return nil, err
	}
	expl, err := rebuild(asn1.ClassContextSpecific, 0, []asn1.RawValue{{FullBytes: sdDER}})
	if err != nil {
		return nil, err
	}
	return rebuild(asn1.ClassUniversal, asn1.TagSequence, []asn1.RawValue{outer[0], {FullBytes: expl}})
}
