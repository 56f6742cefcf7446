// Package blob stores attachments (scanned papers, photos, signed results) by content:
// a blob's key is the hex SHA-256 of its bytes, so the same file uploaded twice is stored
// once, and a key proves the content has not changed. Local directory storage comes here;
// S3-compatible storage will implement the same interface.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Store keeps immutable blobs.
type Store interface {
	// Put stores r, refusing more than limit bytes, and returns its key and size.
	Put(ctx context.Context, r io.Reader, limit int64) (key string, size int64, err error)
	// Open returns the blob's content.
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	// Exists reports whether the blob is stored.
	Exists(ctx context.Context, key string) (bool, error)
}

// Errors of this package.
var (
	ErrNotFound = apperr.New(apperr.NotFound, "blob_not_found", "Không tìm thấy tệp.")
	ErrTooLarge = apperr.New(apperr.Invalid, "file_too_large", "Tệp quá lớn.")
	ErrBadKey   = apperr.New(apperr.Invalid, "invalid_blob_key", "Mã tệp không hợp lệ.")
)

var keyRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Local stores blobs under a directory as ab/abcdef…, through an os.Root so that no key
// can ever reach outside it.
type Local struct {
	root *os.Root
}

// OpenLocal opens (creating it if needed) a local blob directory.
func OpenLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if err := root.MkdirAll("tmp", 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Local{root: root}, nil
}

// Close releases the directory.
func (l *Local) Close() error { return l.root.Close() }

func path(key string) string { return key[:2] + "/" + key }

// Put writes r to a temporary file, syncs it, then renames it into place, so that a blob
// whose key was acknowledged is complete on disk even after a power cut.
func (l *Local) Put(ctx context.Context, r io.Reader, limit int64) (string, int64, error) {
	name := fmt.Sprintf("tmp/%x", randomSuffix())
	f, err := l.root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return "", 0, fmt.Errorf("blob: put: %w", err)
	}
	defer l.root.Remove(name) // a no-op after the rename
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, limit+1))
	if err == nil && n > limit {
		err = ErrTooLarge
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, fmt.Errorf("blob: put: %w", err)
	}
	key := hex.EncodeToString(h.Sum(nil))
	if err := l.root.MkdirAll(key[:2], 0o750); err != nil {
		return "", 0, fmt.Errorf("blob: put: %w", err)
	}
	if err := l.root.Rename(name, path(key)); err != nil {
		return "", 0, fmt.Errorf("blob: put: %w", err)
	}
	if d, err := l.root.Open(key[:2]); err == nil {
		d.Sync() // make the rename itself durable
		d.Close()
	}
	return key, n, nil
}

// Open returns the blob with key.
func (l *Local) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	if !keyRE.MatchString(key) {
		return nil, ErrBadKey
	}
	f, err := l.root.Open(path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", key, err)
	}
	return f, nil
}

// Exists reports whether key is stored.
func (l *Local) Exists(ctx context.Context, key string) (bool, error) {
	if !keyRE.MatchString(key) {
		return false, ErrBadKey
	}
	_, err := l.root.Stat(path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Delete removes the blob with key; a blob not stored is no error. Keys are content
// hashes, so only a store whose blobs one capability alone refers to may delete (the
// QR forms' answers, docs/QRFORMS.md).
func (l *Local) Delete(ctx context.Context, key string) error {
	if !keyRE.MatchString(key) {
		return ErrBadKey
	}
	err := l.root.Remove(path(key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	return nil
}
