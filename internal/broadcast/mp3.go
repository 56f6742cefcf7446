package broadcast

import (
	"bufio"
	"errors"
	"io"
	"iter"
	"time"
)

// The live stream sends whole MPEG audio frames, so a switch between a bulletin and
// silence never splits one, and paces them by their duration. frameReader reads them
// from a bulletin's MP3 (made by internal/audio, but read as outside bytes: bounded,
// fuzzed): an ID3v2 tag at the start is skipped, bytes between frames are skipped, and a
// frame is at most maxFrame bytes.

// maxFrame bounds one MPEG audio frame (Layer III at 320 kbit/s and 8 kHz is 2881 bytes).
const maxFrame = 2881

// maxSkip bounds the bytes skipped while looking for a frame (an ID3 tag's pictures count).
const maxSkip = 16 << 20

// errNoFrame: no frame within maxSkip bytes.
var errNoFrame = errors.New("mp3: no frame sync")

// Frame is an MPEG audio frame and what its 4-byte header says.
type Frame struct {
	Data     []byte        // the frame, header included
	Duration time.Duration // how long it plays
	Rate     int           // samples per second
	Mono     bool
}

// Frames reads the MPEG audio frames of r, one by one (each Data valid until the next);
// it stops at the end, or after an error it yields.
func Frames(r io.Reader) iter.Seq2[Frame, error] {
	return func(yield func(Frame, error) bool) {
		fr := newFrameReader(r)
		for {
			f, err := fr.next()
			if err == io.EOF {
				return
			}
			if !yield(f, err) || err != nil {
				return
			}
		}
	}
}

var (
	// bit rates in kbit/s by [MPEG-1?][layer 1..3][index]
	bitrates = [2][3][16]int{
		{ // MPEG-2 and 2.5
			{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
		},
		{ // MPEG-1
			{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0},
			{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0},
			{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
		},
	}
	sampleRates = [3]int{44100, 48000, 32000}
)

// parseHeader reads a frame header; ok is false for anything that is not one (free format
// included: its length cannot be known from the header).
func parseHeader(h []byte) (Frame, int, bool) {
	if len(h) < 4 || h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
		return Frame{}, 0, false
	}
	version := h[1] >> 3 & 3 // 0: 2.5, 2: 2, 3: 1
	layer := h[1] >> 1 & 3   // 1: III, 2: II, 3: I
	brIndex := int(h[2] >> 4)
	srIndex := int(h[2] >> 2 & 3)
	if version == 1 || layer == 0 || brIndex == 0 || brIndex == 15 || srIndex == 3 {
		return Frame{}, 0, false
	}
	mpeg1 := 0
	if version == 3 {
		mpeg1 = 1
	}
	rate := sampleRates[srIndex]
	switch version {
	case 2:
		rate /= 2
	case 0:
		rate /= 4
	}
	bitrate := bitrates[mpeg1][3-layer][brIndex] * 1000
	padding := int(h[2] >> 1 & 1)
	var size, samples int
	switch {
	case layer == 3: // Layer I
		size, samples = (12*bitrate/rate+padding)*4, 384
	case layer == 1 && mpeg1 == 0: // Layer III, MPEG-2 and 2.5
		size, samples = 72*bitrate/rate+padding, 576
	default:
		size, samples = 144*bitrate/rate+padding, 1152
	}
	if size < 4 || size > maxFrame {
		return Frame{}, 0, false
	}
	return Frame{Rate: rate, Mono: h[3]>>6 == 3,
		Duration: time.Duration(samples) * time.Second / time.Duration(rate)}, size, true
}

// frameReader reads MPEG audio frames one by one.
type frameReader struct {
	r       *bufio.Reader
	started bool
	buf     [maxFrame]byte
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 4*maxFrame)}
}

// next returns the next frame (its Data valid until the next call); io.EOF at the end.
func (f *frameReader) next() (Frame, error) {
	if !f.started {
		f.started = true
		if err := f.skipID3(); err != nil {
			return Frame{}, err
		}
	}
	for skipped := 0; skipped <= maxSkip; skipped++ {
		h, err := f.r.Peek(4)
		if len(h) < 4 {
			if err == nil || err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			return Frame{}, err
		}
		fh, size, ok := parseHeader(h)
		if !ok {
			f.r.Discard(1)
			continue
		}
		if _, err := io.ReadFull(f.r, f.buf[:size]); err != nil {
			if err == io.ErrUnexpectedEOF {
				err = io.EOF // a cut last frame is left out
			}
			return Frame{}, err
		}
		fh.Data = f.buf[:size]
		return fh, nil
	}
	return Frame{}, errNoFrame
}

// skipID3 skips an ID3v2 tag at the start (10 bytes of header, a syncsafe size).
func (f *frameReader) skipID3() error {
	h, _ := f.r.Peek(10)
	if len(h) < 10 || string(h[:3]) != "ID3" {
		return nil
	}
	size := int64(h[6]&0x7F)<<21 | int64(h[7]&0x7F)<<14 | int64(h[8]&0x7F)<<7 | int64(h[9]&0x7F)
	if h[5]&0x10 != 0 { // a footer
		size += 10
	}
	if size > maxSkip {
		return errNoFrame
	}
	_, err := f.r.Discard(10 + int(size))
	if err == io.EOF {
		return io.EOF
	}
	return err
}

// silentFrame is one MPEG-1 Layer III frame of silence in the speakers' form (mono,
// 44.1 kHz, 64 kbit/s, no padding, no CRC): the header, a side information of zeros
// (no main data: every sample is zero) and zero bytes to the frame's 208.
var silentFrame = func() []byte {
	f := make([]byte, 144*64000/44100)
	copy(f, []byte{0xFF, 0xFB, 0x50, 0xC4})
	return f
}()
