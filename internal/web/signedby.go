package web

import (
	"context"
	"io"
	"sync"

	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/signing"
)

// The signer and the time of a signature are shown where a person checks the document,
// not drawn on it: Decree 30/2020 Appendix I puts no name-and-time text block on a main
// document (docs/SIGNATURES.md, "Who signed, and when"). The dossier page, the applicant's
// results and the public verification page list each signature of a PDF xaso signed as
// "Ký bởi <name>, <position> lúc hh:mm dd/mm/yyyy", read from the file's own signatures,
// as the verification page reads an upload.

// signedBy lists the signatures of a PDF xaso signed (signing.SignatureReport.SignedBy),
// first to last. The file is read within the attachment limit and checked offline (no
// revocation requests on a page view); a file that cannot be read lists nothing, and
// the page says nothing rather than fail. A signed file never changes (its blob key is
// its SHA-256), so what it says is kept (signedByCache): the dossier page is opened all
// day, its signed versions read once.
func (s *Server) signedBy(ctx context.Context, f dossier.File) []string {
	if f.ContentType != attach.PDF || s.Blobs == nil {
		return nil
	}
	if lines, ok := s.signers.get(f.BlobKey); ok {
		return lines
	}
	limit := s.FileLimit
	if limit <= 0 {
		limit = attach.DefaultLimit
	}
	limit += 1 << 20 // the signatures and the stamp added to a file of the largest size
	rc, err := s.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		s.Log.Warn("signed by: open", "file", f.ID, "err", err, "request_id", httpx.RequestID(ctx))
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	rc.Close()
	if err != nil || int64(len(b)) > limit {
		s.Log.Warn("signed by: read", "file", f.ID, "err", err, "request_id", httpx.RequestID(ctx))
		return nil
	}
	rep, err := signing.VerifyPDF(ctx, b, signing.VerifyOptions{Offline: true})
	if err != nil {
		s.Log.Warn("signed by: verify", "file", f.ID, "err", err, "request_id", httpx.RequestID(ctx))
		return nil
	}
	var out []string
	for _, sig := range rep.Signatures {
		if line := sig.SignedBy(locale.Zone); line != "" {
			out = append(out, line)
		}
	}
	s.signers.put(f.BlobKey, out)
	return out
}

// signedByCache keeps the signature lines of signed files by blob key (the content's
// SHA-256: an entry never goes stale). It holds at most signedByCacheSize files and
// starts afresh when full, which is simpler than an LRU and costs one re-read per file.
type signedByCache struct {
	mu sync.Mutex
	m  map[string][]string
}

const signedByCacheSize = 4096

func (c *signedByCache) get(key string) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	lines, ok := c.m[key]
	return lines, ok
}

func (c *signedByCache) put(key string, lines []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= signedByCacheSize {
		c.m = make(map[string][]string)
	}
	c.m[key] = lines
}
