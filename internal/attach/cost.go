package attach

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The memory a decode takes is estimated from the header, as the standard decoders
// allocate it (image/png, image/jpeg): an upper bound, so that DecodeBudget can refuse a
// small file that claims a large or deep canvas before a byte of it is allocated.
// TestDecodeCostBoundsAllocations checks the estimate against what decoding allocates.

// decodeCost estimates the bytes that decoding data, already sniffed as contentType,
// allocates.
func decodeCost(data []byte, contentType string) (int64, error) {
	switch contentType {
	case PNG:
		return pngCost(data)
	case JPEG:
		return jpegCost(data)
	}
	return 0, ErrTypeNotAllowed
}

// PNG colour types (the IHDR's).
const (
	pngGray      = 0
	pngTrueColor = 2
	pngPaletted  = 3
	pngGrayAlpha = 4
	pngRGBA      = 6
)

// pngCost: the image of the type the decoder picks for the colour type and depth (a
// tRNS chunk turns grey and true colour into NRGBA), its two row buffers, and for an
// interlaced file every pass's image as well (they add up to about the full image).
func pngCost(data []byte) (int64, error) {
	if len(data) < 33 || string(data[12:16]) != "IHDR" {
		return 0, errors.New("png: no IHDR")
	}
	w, h := int64(binary.BigEndian.Uint32(data[16:20])), int64(binary.BigEndian.Uint32(data[20:24]))
	depth, colour, interlaced := int64(data[24]), data[25], data[28] == 1
	trns := pngHasTRNS(data)
	var perPixel, channels int64
	switch colour {
	case pngGray:
		perPixel, channels = max(1, depth/8), 1
		if trns {
			perPixel = 4 * max(1, depth/8)
		}
	case pngTrueColor:
		perPixel, channels = 4*(depth/8), 3
	case pngPaletted:
		perPixel, channels = 1, 1
	case pngGrayAlpha:
		perPixel, channels = 4*(depth/8), 2
	case pngRGBA:
		perPixel, channels = 4*(depth/8), 4
	default:
		return 0, fmt.Errorf("png: colour type %d", colour)
	}
	if perPixel == 0 {
		return 0, fmt.Errorf("png: depth %d for colour type %d", depth, colour)
	}
	row := 1 + (channels*depth*w+7)/8
	cost := perPixel*w*h + 2*row
	if interlaced {
		cost += perPixel*w*h + 7*2*row
	}
	return cost, nil
}

// pngHasTRNS reports whether a tRNS chunk comes before the image data (the decoder
// refuses one after).
func pngHasTRNS(data []byte) bool {
	for i := 8; i+8 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i : i+4]))
		switch string(data[i+4 : i+8]) {
		case "tRNS":
			return true
		case "IDAT", "IEND":
			return false
		}
		if n < 0 || n > len(data) {
			return false
		}
		i += 12 + n
	}
	return false
}

// jpegFrame is what the decoder allocates for, read from a JPEG's markers.
type jpegFrame struct {
	width, height int64
	comps         []jpegComp
	progressive   bool
	// The decoder converts a three-component image to RGBA when it is RGB rather than
	// YCbCr: no JFIF marker, and an Adobe marker saying so or components named R, G, B.
	jfif, adobe bool
	transform   byte
}

type jpegComp struct {
	id   byte
	h, v int64
}

// jpegCost: the YCbCr (or grey) image as the decoder sizes it (whole MCUs, chroma as
// subsampled), the black channel and the CMYK or RGBA image of a four-component file, the
// RGBA image of an RGB file, and for a progressive file every component's coefficients
// (64 int32 per 8×8 block), which the decoder keeps until the last scan.
func jpegCost(data []byte) (int64, error) {
	f, err := readJPEGFrame(data)
	if err != nil {
		return 0, err
	}
	n := int64(len(f.comps))
	var maxH, maxV int64 = 1, 1
	if n > 1 {
		for _, c := range f.comps {
			maxH, maxV = max(maxH, c.h), max(maxV, c.v)
		}
	} else {
		f.comps[0].h, f.comps[0].v = 1, 1 // as the decoder reads a grey image
	}
	mxx, myy := (f.width+8*maxH-1)/(8*maxH), (f.height+8*maxV-1)/(8*maxV)
	padded := 64 * maxH * maxV * mxx * myy // pixels of the image allocated
	share := func(c jpegComp) int64 { return padded * c.h * c.v / (maxH * maxV) }
	cost := padded // Y, or grey
	if n > 1 {
		cb, cr := f.comps[1], f.comps[2]
		// The decoder subsamples chroma in the ratios image.YCbCr knows; for any other
		// sampling (its "flex" mode) it keeps chroma at full size.
		chroma := padded
		if y := f.comps[0]; cb.h == cr.h && cb.v == cr.v && y.h == maxH && y.v == maxV {
			switch (maxH/cb.h)<<4 | maxV/cb.v {
			case 0x11, 0x12, 0x21, 0x22, 0x41, 0x42:
				chroma = share(cb)
			}
		}
		cost += 2 * chroma
	}
	switch {
	case n == 4:
		cost += padded + 4*f.width*f.height // black channel, then CMYK or RGBA
	case n == 3 && !f.jfif && ((f.adobe && f.transform == 0) ||
		(f.comps[0].id == 'R' && f.comps[1].id == 'G' && f.comps[2].id == 'B')):
		cost += 4 * f.width * f.height
	}
	if f.progressive {
		for _, c := range f.comps {
			cost += 4 * share(c)
		}
	}
	return cost, nil
}

// JPEG markers read by readJPEGFrame.
const (
	jpegSOF0, jpegSOF1, jpegSOF2 = 0xC0, 0xC1, 0xC2
	jpegSOS, jpegEOI             = 0xDA, 0xD9
	jpegRST0, jpegRST7           = 0xD0, 0xD7
	jpegAPP0, jpegAPP14          = 0xE0, 0xEE
)

// readJPEGFrame walks every marker segment of a JPEG as the decoder does, skipping the
// entropy-coded data between them, for the frame header and the markers that decide the
// colour conversion (which may come after the first scan).
func readJPEGFrame(data []byte) (jpegFrame, error) {
	var f jpegFrame
	seen := false
	for i := 2; i < len(data); {
		if data[i] != 0xFF {
			i++ // entropy-coded data, or extraneous bytes the decoder skips too
			continue
		}
		for i < len(data) && data[i] == 0xFF {
			i++ // fill bytes
		}
		if i >= len(data) {
			break
		}
		marker := data[i]
		i++
		if marker == 0 || (marker >= jpegRST0 && marker <= jpegRST7) {
			continue // a stuffed byte or a restart marker: no length follows
		}
		if marker == jpegEOI {
			break
		}
		if i+2 > len(data) {
			break
		}
		n := int(binary.BigEndian.Uint16(data[i:i+2])) - 2
		if n < 0 || i+2+n > len(data) {
			return f, errors.New("jpeg: short segment")
		}
		seg := data[i+2 : i+2+n]
		i += 2 + n
		switch marker {
		case jpegSOF0, jpegSOF1, jpegSOF2:
			if seen {
				return f, errors.New("jpeg: several frames")
			}
			seen = true
			if len(seg) < 6 || len(seg) != 6+3*int(seg[5]) {
				return f, errors.New("jpeg: bad frame header")
			}
			f.progressive = marker == jpegSOF2
			f.height = int64(binary.BigEndian.Uint16(seg[1:3]))
			f.width = int64(binary.BigEndian.Uint16(seg[3:5]))
			for c := range int(seg[5]) {
				hv := seg[7+3*c]
				f.comps = append(f.comps, jpegComp{id: seg[6+3*c], h: max(1, int64(hv>>4)), v: max(1, int64(hv&0x0F))})
			}
			if n := len(f.comps); n != 1 && n != 3 && n != 4 {
				return f, fmt.Errorf("jpeg: %d components", n)
			}
		case jpegAPP0:
			if len(seg) >= 5 {
				f.jfif = string(seg[:5]) == "JFIF\x00"
			}
		case jpegAPP14:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				f.adobe, f.transform = true, seg[11]
			}
		}
	}
	if !seen {
		return f, errors.New("jpeg: no frame header")
	}
	return f, nil
}
