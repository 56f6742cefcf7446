package audio

import (
	"bytes"
	"encoding/binary"
	"math"
)

// Tone is a WAV of a 440 Hz tone, 16-bit mono PCM at rate samples a second, seconds
// long: a sound for tests, benchmarks and an operator's first try of the speakers.
func Tone(seconds float64, rate int) []byte {
	samples := int(seconds * float64(rate))
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*samples))
	b.WriteString("WAVEfmt ")
	le(uint32(16))       // the fmt chunk's size
	le(uint16(1))        // PCM
	le(uint16(1))        // mono
	le(uint32(rate))     // samples a second
	le(uint32(2 * rate)) // bytes a second
	le(uint16(2))        // bytes a sample
	le(uint16(16))       // bits a sample
	b.WriteString("data")
	le(uint32(2 * samples))
	for i := range samples {
		le(int16(8000 * math.Sin(2*math.Pi*440*float64(i)/float64(rate))))
	}
	return b.Bytes()
}
