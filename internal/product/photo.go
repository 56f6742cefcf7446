package product

import (
	"bytes"
	"context"
	"image/jpeg"
	"io"

	"github.com/xaso-vn/xaso/internal/attach"
)

// PreviewWidth is the width of the photos' previews on the pages: light on a phone.
const PreviewWidth = 720

// previewSlot lets one preview be made at a time in the process (one decoding within
// one image's budget, attach.DecodeBudget).
var previewSlot = make(chan struct{}, 1)

// PhotoPreview returns a product's photo as the pages show it: a JPEG at most
// PreviewWidth wide, made once and kept in the blob store, like the dossiers' images.
func (s *Service) PhotoPreview(ctx context.Context, productID, photoID int64) (string, []byte, error) {
	ph, err := s.Store.ProductPhoto(ctx, photoID)
	if err != nil {
		return "", nil, err
	}
	if ph.ProductID != productID {
		return "", nil, ErrPhotoNotFound
	}
	if s.Blobs == nil {
		return "", nil, ErrNoPhotos
	}
	key, err := s.preview(ctx, ph)
	if err != nil {
		return "", nil, err
	}
	data, err := s.read(ctx, key)
	return attach.JPEG, data, err
}

func (s *Service) read(ctx context.Context, key string) ([]byte, error) {
	rc, err := s.Blobs.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, MaxPhotoBytes+1))
}

func (s *Service) preview(ctx context.Context, ph Photo) (string, error) {
	if key, err := s.Store.BlobPreview(ctx, ph.BlobKey, PreviewWidth); err != nil || key != "" {
		return key, err
	}
	select {
	case previewSlot <- struct{}{}:
		defer func() { <-previewSlot }()
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if key, err := s.Store.BlobPreview(ctx, ph.BlobKey, PreviewWidth); err != nil || key != "" {
		return key, err
	}
	data, err := s.read(ctx, ph.BlobKey)
	if err != nil {
		return "", err
	}
	img, err := attach.Decode(data)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, attach.Thumbnail(img, PreviewWidth), &jpeg.Options{Quality: 80}); err != nil {
		return "", err
	}
	key, size, err := s.Blobs.Put(ctx, bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		return "", err
	}
	return key, s.Store.SaveBlobPreview(ctx, ph.BlobKey, PreviewWidth, key, size)
}
