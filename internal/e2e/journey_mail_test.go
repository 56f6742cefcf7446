package e2e

import (
	"context"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/mail"
)

// clerkRegistersMail: a letter has arrived in the official mailbox; the clerk opens the
// "Hộp thư công vụ" tab, opens the letter and registers it with one click, and sees its
// arrival number. Every page fits the phone.
func clerkRegistersMail(b *tab) {
	addLetter(b)
	b.logIn("vanthu", demo.Password, "/office")
	b.step("open the mailbox tab", follow(`header nav.tabs a[href="/office/mail"]`), atPath("/office/mail"),
		hasText("main h1", "Hộp thư công vụ"), hasText(`header nav.tabs a[aria-current="page"]`, "Hộp thư công vụ"),
		noSideScroll(), b.keep("mail"))
	b.step("open the letter", follow(`main ul.items a`), hasText("main h1", "Công văn số 215/UBND-VP về việc tổng kết chuyển đổi số năm 2026"),
		noSideScroll(), b.keep("mail-message"))
	b.step("register it", follow(`main form[action$="/register"] button[type="submit"]`), atPath("/office/mail"),
		hasTextPrefix(".flash", "Đã vào sổ văn bản đến, số đến "), noSideScroll())
}

// addLetter puts a letter with a PDF in the demo commune's official mailbox, as a fetch
// would.
func addLetter(b *tab) {
	b.t.Helper()
	ctx := context.Background()
	u, err := b.site.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		b.t.Fatal(err)
	}
	raw, err := mail.Compose(mail.Mail{From: "Văn phòng UBND tỉnh <vanphong@ninhbinh.gov.vn>", To: []string{"vanthu@yentu.gov.vn"},
		Subject: "Công văn số 215/UBND-VP về việc tổng kết chuyển đổi số năm 2026", Body: "Kính gửi: UBND xã Yên Từ.",
		Attachments: []mail.Attachment{{Name: "215-UBND-VP.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7\n%%EOF\n")}}}, "ninhbinh.gov.vn")
	if err != nil {
		b.t.Fatal(err)
	}
	p, err := mail.DefaultLimits.Parse(raw)
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.site.st.AddMail(ctx, mail.Item{UnitID: u.ID, UIDValidity: 1, UID: 1, MessageID: p.MessageID, Sender: p.From,
		Subject: p.Subject, SentAt: p.Date, Size: int64(len(raw)), Attachments: 1, State: mail.StateNew, FetchedAt: time.Now(), Raw: raw}); err != nil {
		b.t.Fatal(err)
	}
}
