package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strconv"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The illustrated tour (docs/TOUR.md) shows each role's landing page on a phone and on
// a desktop screen. tour photographs the page in both, the visible screen only (not the
// whole page), as small PNGs: into the artifacts directory on every run, and into
// XASO_TOUR_DIR (docs/tour) when set, as <name>-360.png and <name>-1280.png.

// tourMaxBytes bounds one picture, so the repository stays small.
const tourMaxBytes = 150 << 10

var tourScreens = []struct {
	width, height int64
	scale         float64
	mobile        bool
}{
	{phoneWidth, phoneHeight, phoneScale, true},
	{1280, 800, 1, false},
}

func (b *tab) tour(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// The pictures are taken first and the phone's viewport put back before the slow
		// part (recompressing them), and a failure to put it back fails the step: the
		// journey's next steps must not run on a desktop screen.
		shots := make([][]byte, len(tourScreens))
		for i, sc := range tourScreens {
			opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(sc.scale)}
			if sc.mobile {
				opts = append(opts, chromedp.EmulateMobile)
			}
			if _, err := chromedp.EmulateViewport(sc.width, sc.height, opts...)(ctx, t); err != nil {
				return err
			}
			// One image pixel per CSS pixel, whatever the device's scale.
			res, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng,
				Clip: &page.Viewport{X: 0, Y: 0, Width: float64(sc.width), Height: float64(sc.height), Scale: 1 / sc.scale}})
			if err != nil {
				return err
			}
			shots[i] = res.Data
		}
		if _, err := chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(phoneScale), chromedp.EmulateMobile)(ctx, t); err != nil {
			return fmt.Errorf("back to the phone's screen after the pictures of %s: %w", name, err)
		}
		for i, sc := range tourScreens {
			img, err := png.Decode(bytes.NewReader(shots[i]))
			if err != nil {
				return err
			}
			var out bytes.Buffer
			if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img); err != nil {
				return err
			}
			if out.Len() > tourMaxBytes {
				return fmt.Errorf("the %d px picture of %s is %d KB, over %d KB", sc.width, name, out.Len()>>10, tourMaxBytes>>10)
			}
			w := strconv.FormatInt(sc.width, 10)
			if err := os.WriteFile(filepath.Join(artifacts, fileName(b.t.Name()+"--tour-"+name+"-"+w)+".png"), out.Bytes(), 0o644); err != nil {
				return err
			}
			if dir := os.Getenv("XASO_TOUR_DIR"); dir != "" {
				if err := os.WriteFile(filepath.Join(dir, name+"-"+w+".png"), out.Bytes(), 0o644); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
