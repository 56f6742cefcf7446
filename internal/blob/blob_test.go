package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l, err := OpenLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	content := []byte("Giấy khai sinh bản sao")
	sum := sha256.Sum256(content)
	key, n, err := l.Put(ctx, bytes.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if key != hex.EncodeToString(sum[:]) || n != int64(len(content)) {
		t.Fatalf("Put = %s, %d", key, n)
	}
	if key2, _, err := l.Put(ctx, bytes.NewReader(content), 1<<20); err != nil || key2 != key {
		t.Fatalf("second Put = %s, %v", key2, err)
	}
	f, err := l.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, content) {
		t.Fatalf("content = %q", got)
	}
	if ok, err := l.Exists(ctx, key); !ok || err != nil {
		t.Fatalf("Exists = %v, %v", ok, err)
	}
	if _, err := os.Stat(filepath.Join(dir, key[:2], key)); err != nil {
		t.Fatalf("not at the content address: %v", err)
	}
	tmp, _ := os.ReadDir(filepath.Join(dir, "tmp"))
	if len(tmp) != 0 {
		t.Fatalf("temporary files left behind: %v", tmp)
	}
}

func TestLocalRefuses(t *testing.T) {
	ctx := context.Background()
	l, err := OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, _, err := l.Put(ctx, strings.NewReader("12345"), 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: err = %v", err)
	}
	for _, key := range []string{"../../etc/passwd", strings.Repeat("A", 64), "ab", strings.Repeat("a", 63) + "/"} {
		if _, err := l.Open(ctx, key); !errors.Is(err, ErrBadKey) {
			t.Errorf("Open(%q): err = %v, want ErrBadKey", key, err)
		}
	}
	if _, err := l.Open(ctx, strings.Repeat("a", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing blob: err = %v", err)
	}
}

// Delete removes a blob; deleting it again, or one never stored, is no error; a bad key
// is refused.
func TestLocalDelete(t *testing.T) {
	ctx := context.Background()
	l, err := OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	key, _, err := l.Put(ctx, strings.NewReader("ảnh giấy xét nghiệm"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if ok, err := l.Exists(ctx, key); ok || err != nil {
		t.Fatalf("after delete: %v %v", ok, err)
	}
	if err := l.Delete(ctx, key); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if err := l.Delete(ctx, "../etc/passwd"); !errors.Is(err, ErrBadKey) {
		t.Fatalf("bad key: %v", err)
	}
}
