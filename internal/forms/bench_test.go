package forms

import (
	"io"
	"testing"
)

// BenchmarkReceipt measures what a counter officer waits for when printing form 01.
func BenchmarkReceipt(b *testing.B) {
	r := receipt(b)
	b.Run("PDF", func(b *testing.B) {
		for b.Loop() {
			if err := r.PDF(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("HTML", func(b *testing.B) {
		for b.Loop() {
			if err := r.HTML(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}
