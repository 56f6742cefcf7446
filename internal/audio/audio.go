// Package audio checks and converts the sound files the loudspeakers play (DOMAIN.md §13):
// an operator's upload (MP3 or WAV) or the voice's WAV becomes one MP3 of a fixed form —
// mono, 44.1 kHz, 64 kbit/s, loudness-normalised (EBU R128, −16 LUFS) so that one bulletin
// is not louder than the next — with its duration measured from the result.
//
// The work is done by Debian's ffmpeg and ffprobe, run as programs, found at start; their
// absence is a clear message. Every input is bounded before a program sees it: its size,
// its first bytes (only MP3 and WAV), and its duration as ffprobe reads it; the programs
// run with a time limit, and what they write back is bounded too.
package audio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Limits of what is accepted.
const (
	MaxBytes   = 50 << 20 // an uploaded file
	MaxSeconds = 30 * 60  // a bulletin
	maxMP3     = 20 << 20 // 64 kbit/s for 30 minutes is 14.4 MB
	maxProbe   = 64 << 10 // ffprobe's JSON
	bitrate    = "64k"    // the speakers' form
	sampleRate = "44100"  //
	loudness   = "I=-16:TP=-1.5:LRA=11"
	timeout    = 2 * time.Minute // converting 30 minutes of sound takes seconds
)

// Errors, with stable codes.
var (
	ErrUnavailable = apperr.New(apperr.Unavailable, "audio_unavailable",
		"Máy chủ chưa cài đặt ffmpeg nên chưa xử lý được tệp âm thanh.")
	ErrNotAudio = apperr.New(apperr.Invalid, "audio_not_audio",
		"Tệp không phải âm thanh MP3 hoặc WAV đọc được.")
	ErrTooLarge = apperr.New(apperr.Invalid, "audio_too_large",
		"Tệp âm thanh quá lớn (tối đa 50 MB).")
	ErrTooLong = apperr.New(apperr.Invalid, "audio_too_long",
		"Bản tin dài quá 30 phút.")
	ErrEmpty = apperr.New(apperr.Invalid, "audio_empty",
		"Tệp âm thanh không có tiếng (độ dài bằng 0).")
)

// Tools are the programs.
type Tools struct {
	FFmpeg, FFprobe string
	TempDir         string // where an input is written for the programs; os.TempDir() when empty
}

// Find finds ffmpeg and ffprobe on the PATH.
func Find() (*Tools, error) {
	mpeg, err1 := exec.LookPath("ffmpeg")
	probe, err2 := exec.LookPath("ffprobe")
	if err := errors.Join(err1, err2); err != nil {
		return nil, ErrUnavailable.With(fmt.Errorf("apt-get install ffmpeg: %w", err))
	}
	return &Tools{FFmpeg: mpeg, FFprobe: probe}, nil
}

// Info is what ffprobe says of a sound.
type Info struct {
	Format     string  `json:"format"` // "mp3", "wav"
	Codec      string  `json:"codec"`
	Seconds    float64 `json:"seconds"`
	Channels   int     `json:"channels"`
	SampleRate int     `json:"sample_rate"`
}

// Kind tells MP3 and WAV from their first bytes; "" for anything else.
func Kind(b []byte) string {
	switch {
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return "wav"
	case len(b) >= 3 && string(b[:3]) == "ID3":
		return "mp3"
	case len(b) >= 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0 && b[1]&0x06 != 0: // an MPEG audio frame, layer I–III
		return "mp3"
	}
	return ""
}

// Probe checks data (MP3 or WAV, at most MaxBytes, at most MaxSeconds long) and returns
// what it holds.
func (t *Tools) Probe(ctx context.Context, data []byte) (Info, error) {
	if err := precheck(data); err != nil {
		return Info{}, err
	}
	path, done, err := t.temp(data)
	if err != nil {
		return Info{}, err
	}
	defer done()
	return t.probe(ctx, path)
}

func precheck(data []byte) error {
	if len(data) > MaxBytes {
		return ErrTooLarge
	}
	if Kind(data) == "" {
		return ErrNotAudio
	}
	return nil
}

// Convert checks data as Probe does, then writes it in the speakers' form: MP3, mono,
// 44.1 kHz, 64 kbit/s, loudness-normalised. The Info is the result's, measured.
func (t *Tools) Convert(ctx context.Context, data []byte) ([]byte, Info, error) {
	if err := precheck(data); err != nil {
		return nil, Info{}, err
	}
	in, done, err := t.temp(data)
	if err != nil {
		return nil, Info{}, err
	}
	defer done()
	if _, err := t.probe(ctx, in); err != nil {
		return nil, Info{}, err
	}
	out := in + ".mp3"
	defer os.Remove(out)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.FFmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
		"-i", in, "-t", strconv.Itoa(MaxSeconds), "-vn", "-map_metadata", "-1",
		"-af", "loudnorm="+loudness, "-ac", "1", "-ar", sampleRate,
		"-codec:a", "libmp3lame", "-b:a", bitrate, "-fs", strconv.Itoa(maxMP3), "-f", "mp3", out)
	var stderr bytes.Buffer
	cmd.Stderr = &limited{w: &stderr, n: 4 << 10}
	if err := cmd.Run(); err != nil {
		return nil, Info{}, ErrNotAudio.With(fmt.Errorf("ffmpeg: %w: %s", err, stderr.Bytes()))
	}
	mp3, err := readAtMost(out, maxMP3)
	if err != nil {
		return nil, Info{}, err
	}
	info, err := t.probe(ctx, out)
	if err != nil {
		return nil, Info{}, err
	}
	return mp3, info, nil
}

// temp writes data to a private file for the programs.
func (t *Tools) temp(data []byte) (string, func(), error) {
	f, err := os.CreateTemp(t.TempDir, "xaso-audio-*")
	if err != nil {
		return "", nil, err
	}
	name := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(name)
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", nil, err
	}
	return name, func() { os.Remove(name) }, nil
}

// probe runs ffprobe on a file and judges what it found.
func (t *Tools) probe(ctx context.Context, path string) (Info, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.FFprobe, "-v", "error", "-show_entries",
		"format=format_name,duration:stream=codec_type,codec_name,channels,sample_rate", "-of", "json", path)
	var out bytes.Buffer
	cmd.Stdout = &limited{w: &out, n: maxProbe}
	if err := cmd.Run(); err != nil {
		return Info{}, ErrNotAudio.With(fmt.Errorf("ffprobe: %w", err))
	}
	var p struct {
		Format struct {
			Name     string `json:"format_name"`
			Duration string `json:"duration"`
		} `json:"format"`
		Streams []struct {
			Type       string `json:"codec_type"`
			Codec      string `json:"codec_name"`
			Channels   int    `json:"channels"`
			SampleRate string `json:"sample_rate"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		return Info{}, ErrNotAudio.With(fmt.Errorf("ffprobe's answer: %w", err))
	}
	info := Info{Format: p.Format.Name}
	audioStreams := 0
	for _, s := range p.Streams {
		if s.Type != "audio" {
			continue
		}
		audioStreams++
		info.Codec, info.Channels = s.Codec, s.Channels
		info.SampleRate, _ = strconv.Atoi(s.SampleRate)
	}
	if audioStreams != 1 || (info.Format != "mp3" && info.Format != "wav") {
		return Info{}, ErrNotAudio.With(fmt.Errorf("%d audio streams in %q", audioStreams, info.Format))
	}
	secs, err := strconv.ParseFloat(p.Format.Duration, 64)
	if err != nil {
		return Info{}, ErrNotAudio.With(fmt.Errorf("duration %q", p.Format.Duration))
	}
	switch {
	case secs > MaxSeconds:
		return Info{}, ErrTooLong
	case secs <= 0:
		return Info{}, ErrEmpty
	}
	info.Seconds = secs
	return info, nil
}

func readAtMost(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, n+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > n {
		return nil, ErrTooLarge
	}
	return b, nil
}

// limited keeps the first n bytes written and drops the rest.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
