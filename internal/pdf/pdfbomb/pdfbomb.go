// Package pdfbomb builds hostile PDFs for tests: files of a few kilobytes whose numbers
// or compressed streams would make a careless reader allocate gigabytes, recurse without
// end or loop; and a few harmless files the same tests need (Compressed, Objects). The
// tests of packages pdf and signing, of the public verification page and the fuzz
// corpora use them; nothing in xaso's binary does.
package pdfbomb

import (
	"bytes"
	"compress/flate"
	"fmt"
	"strings"
)

// ZlibZeros returns a zlib stream that inflates to mib MiB of zero bytes. It repeats one
// sync-flushed deflate block (which, once the window holds zeros, is the same for every
// MiB), so that a gigabyte costs a millisecond to build and about a megabyte to hold.
func ZlibZeros(mib int) []byte {
	var seg bytes.Buffer
	w, err := flate.NewWriter(&seg, flate.BestCompression)
	if err != nil {
		panic(err)
	}
	zeros := make([]byte, 1<<20)
	var blocks [][]byte
	for i := 0; i < 3; i++ {
		w.Write(zeros)
		w.Flush()
		blocks = append(blocks, bytes.Clone(seg.Bytes()))
		seg.Reset()
	}
	if !bytes.Equal(blocks[1], blocks[2]) {
		panic("pdfbomb: deflate blocks of zeros differ")
	}
	out := bytes.NewBuffer([]byte{0x78, 0xda}) // zlib header, best compression
	if mib > 0 {
		out.Write(blocks[0])
		for i := 1; i < mib; i++ {
			out.Write(blocks[1])
		}
	}
	out.Write([]byte{0x03, 0x00}) // a final empty block with fixed codes
	// Adler-32 of n zeros: the sum of the bytes stays 1, the sum of the sums is n.
	n := uint64(mib) << 20
	adler := uint32(n%65521)<<16 | 1
	out.Write([]byte{byte(adler >> 24), byte(adler >> 16), byte(adler >> 8), byte(adler)})
	return out.Bytes()
}

// pdf lays out numbered objects (their bodies as written, streams included) with a
// classic cross-reference table and a trailer (its keys as written).
func pdf(objs map[int]string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	max := 0
	for n := range objs {
		max = maxInt(max, n)
	}
	offs := make([]int, max+1)
	for n := 1; n <= max; n++ {
		if body, ok := objs[n]; ok {
			offs[n] = b.Len()
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
		}
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", max+1)
	for n := 1; n <= max; n++ {
		if offs[n] == 0 {
			b.WriteString("0000000000 00000 f\r\n")
		} else {
			fmt.Fprintf(&b, "%010d 00000 n\r\n", offs[n])
		}
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", max+1, trailer, xref)
	return b.Bytes()
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

const (
	catalog = "<</Type /Catalog /Pages 2 0 R>>"
	pages   = "<</Type /Pages /Kids [3 0 R] /Count 1>>"
	page    = "<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>>"
)

// XRef is the bomb of issue 15: a cross-reference stream of about 60 KB that declares
// twenty million entries (/W [1 1 1] /Index [0 10000000 10000000 10000000]) and
// inflates to the 60 MB of rows they take.
func XRef() []byte { return XRefWith(60) }

// XRefWith is XRef with rows of mib MiB only (the same numbers in a smaller file, for a
// fuzz corpus).
func XRefWith(mib int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	b.WriteString("1 0 obj\n" + catalog + "\nendobj\n2 0 obj\n" + pages + "\nendobj\n3 0 obj\n" + page + "\nendobj\n")
	data := ZlibZeros(mib)
	at := b.Len()
	fmt.Fprintf(&b, "4 0 obj\n<</Type /XRef /Size 20000000 /W [1 1 1] /Index [0 10000000 10000000 10000000] /Root 1 0 R /Filter /FlateDecode /Length %d>>\nstream\n", len(data))
	b.Write(data)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", at)
	return b.Bytes()
}

// Size is a classic file whose trailer claims /Size 10000000.
func Size() []byte {
	b := pdf(map[int]string{1: catalog, 2: pages, 3: page}, "")
	return bytes.Replace(b, []byte("/Size 4 "), []byte("/Size 10000000 "), 1)
}

// TableCount is a classic cross-reference table whose one subsection claims ten
// million entries.
func TableCount() []byte {
	b := pdf(map[int]string{1: catalog, 2: pages, 3: page}, "")
	return bytes.Replace(b, []byte("xref\n0 4\n"), []byte("xref\n0 10000000\n"), 1)
}

// Nested is a file whose catalog holds depth nested arrays, [[[[…]]]].
func Nested(depth int) []byte {
	return pdf(map[int]string{1: "<</Type /Catalog /Pages 2 0 R /X " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + ">>",
		2: pages, 3: page}, "")
}

// Wide is a file whose catalog holds an array of n numbers.
func Wide(n int) []byte {
	return pdf(map[int]string{1: "<</Type /Catalog /Pages 2 0 R /X [" + strings.Repeat("0 ", n) + "]>>", 2: pages, 3: page}, "")
}

// Inflate is a file whose catalog sits in an object stream that inflates to mib MiB,
// indexed by an uncompressed cross-reference stream: a zip bomb.
func Inflate(mib int) []byte {
	return objStm("/N 1 /First 4 /Filter /FlateDecode /Length %d", ZlibZeros(mib))
}

// ObjStmN is a file whose catalog sits in an object stream of a few bytes that claims
// /N 1000000 objects.
func ObjStmN() []byte {
	return objStm("/N 1000000 /First 4 /Length %d", []byte("1 0 "+catalog))
}

// objStm writes objects 2 and 3 in the file, the catalog (1) as object 0 of object
// stream 4 whose dictionary keys (with a %d for its length) and data are given, and a
// cross-reference stream (5).
func objStm(keys string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := map[int]int{}
	offs[2] = b.Len()
	b.WriteString("2 0 obj\n" + pages + "\nendobj\n")
	offs[3] = b.Len()
	b.WriteString("3 0 obj\n" + page + "\nendobj\n")
	offs[4] = b.Len()
	fmt.Fprintf(&b, "4 0 obj\n<</Type /ObjStm "+keys+">>\nstream\n", len(data))
	b.Write(data)
	b.WriteString("\nendstream\nendobj\n")
	offs[5] = b.Len()
	rows := [][3]int{{0, 0, 0}, {2, 4, 0}, {1, offs[2], 0}, {1, offs[3], 0}, {1, offs[4], 0}, {1, offs[5], 0}}
	var xs []byte
	for _, r := range rows {
		xs = append(xs, byte(r[0]), byte(r[1]>>24), byte(r[1]>>16), byte(r[1]>>8), byte(r[1]), byte(r[2]))
	}
	fmt.Fprintf(&b, "5 0 obj\n<</Type /XRef /Size 6 /W [1 4 1] /Root 1 0 R /Length %d>>\nstream\n", len(xs))
	b.Write(xs)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", offs[5])
	return b.Bytes()
}

// HugeLength is a file whose page content stream claims a /Length of 10^15 bytes.
func HugeLength() []byte {
	return pdf(map[int]string{1: catalog, 2: pages,
		3: "<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R>>",
		4: "<</Length 1000000000000000>>\nstream\nBT ET\nendstream"}, "")
}

// PrevLoop is a file of two cross-reference sections whose /Prev point at each other.
func PrevLoop() []byte {
	b := pdf(map[int]string{1: catalog, 2: pages, 3: page}, "/Prev 0000000000")
	first := bytes.LastIndex(b, []byte("xref\n"))
	second := len(b)
	b = bytes.Replace(b, []byte("/Prev 0000000000"), []byte(fmt.Sprintf("/Prev %010d", second)), 1)
	return fmt.Appendf(b, "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<</Size 4 /Root 1 0 R /Prev %d>>\nstartxref\n%d\n%%%%EOF\n", first, second)
}

// LengthChain is a file whose catalog is a stream followed by n more, each of whose
// /Length is a reference to the next one: a reader that resolves a length by parsing the
// object it names recurses n deep.
func LengthChain(n int) []byte {
	objs := map[int]string{1: "<</Type /Catalog /Pages 2 0 R /Length 4 0 R>>\nstream\nx\nendstream", 2: pages, 3: page}
	for k := 4; k < 4+n; k++ {
		objs[k] = fmt.Sprintf("<</Length %d 0 R>>\nstream\nx\nendstream", k+1)
	}
	objs[4+n] = "1"
	return pdf(objs, "")
}

// Objects is a file of the given objects (bodies as written; 1 is the catalog) with a
// classic cross-reference table: for files that carry JavaScript, actions or embedded
// files.
func Objects(objs map[int]string) []byte { return pdf(objs, "") }

// InObjectStream is a file whose catalog, with the body given, sits in an object stream.
func InObjectStream(catalog string) []byte {
	return objStm("/N 1 /First 4 /Length %d", []byte("1 0 "+catalog))
}
