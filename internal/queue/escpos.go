package queue

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
)

// PrinterScheme starts the outbox recipient of a ticket slip: "escpos://host:port",
// the kiosk's receipt printer (raw TCP, port 9100 on the common thermal printers).
const PrinterScheme = "escpos://"

// ESC/POS commands used (Epson's reference; every common 58/80 mm thermal printer
// takes them).
const (
	esc = 0x1b
	gs  = 0x1d
	lf  = 0x0a
)

// EncodeSlip writes a ticket slip as ESC/POS: initialise, centre, the unit's name, the
// number in double width and height, the group, the priority, the time, a QR code of the
// ticket's page for the phone, feed and cut. Cheap printers have no Vietnamese code
// page, so the text goes without diacritics (ASCII), which every one prints.
func EncodeSlip(s Slip) []byte {
	var b bytes.Buffer
	b.Write([]byte{esc, '@'})    // initialise
	b.Write([]byte{esc, 'a', 1}) // centre
	line := func(mode byte, text string) {
		b.Write([]byte{esc, '!', mode})
		b.WriteString(ASCII(text))
		b.WriteByte(lf)
	}
	line(0x08, s.Unit) // emphasised
	line(0x00, "PHIEU SO THU TU")
	line(0x38, s.Number) // double height, double width, emphasised
	line(0x00, s.Group)
	if s.Priority != "" {
		line(0x08, "Uu tien: "+s.Priority)
	}
	line(0x00, s.TakenAt.In(locale.Zone).Format("15:04 02/01/2006"))
	if s.URL != "" && len(s.URL) < 400 {
		qr(&b, s.URL)
		line(0x00, "Quet ma de theo doi so tren dien thoai")
	}
	b.Write([]byte{lf, lf, lf})
	b.Write([]byte{gs, 'V', 66, 0}) // feed and partial cut
	return b.Bytes()
}

// qr writes GS ( k: model 2, module size 6, error correction M, store, print.
func qr(b *bytes.Buffer, data string) {
	fn := func(args ...byte) {
		n := len(args)
		b.Write([]byte{gs, '(', 'k', byte(n), byte(n >> 8)})
		b.Write(args)
	}
	fn(49, 65, 50, 0)
	fn(49, 67, 6)
	fn(49, 69, 49)
	fn(append([]byte{49, 80, 48}, data...)...)
	fn(49, 81, 48)
}

// ASCII writes Vietnamese text without its marks (đ as d), and drops anything else a
// printer could take for a command.
func ASCII(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r == '–' || r == '—':
			b.WriteByte('-')
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// PrinterSender delivers the outbox: a slip addressed to a printer (PrinterScheme) goes
// to that printer over TCP; anything else to Next (e-mail, the log).
type PrinterSender struct {
	Next notify.Sender
	// Dial opens the printer's connection (nil: net.Dialer, 5 s).
	Dial func(ctx context.Context, addr string) (net.Conn, error)
}

// Send implements notify.Sender.
func (p PrinterSender) Send(ctx context.Context, m notify.Message) error {
	addr, ok := strings.CutPrefix(m.To, PrinterScheme)
	if !ok {
		return p.Next.Send(ctx, m)
	}
	var slip Slip
	if err := json.Unmarshal([]byte(m.Body), &slip); err != nil {
		return fmt.Errorf("queue: slip %s: %w", m.Ref, err)
	}
	dial := p.Dial
	if dial == nil {
		dial = func(ctx context.Context, addr string) (net.Conn, error) {
			d := net.Dialer{Timeout: 5 * time.Second}
			return d.DialContext(ctx, "tcp", addr)
		}
	}
	conn, err := dial(ctx, addr)
	if err != nil {
		return fmt.Errorf("queue: printer %s: %w", addr, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(EncodeSlip(slip)); err != nil {
		return fmt.Errorf("queue: printer %s: %w", addr, err)
	}
	return nil
}
