package dossier

import (
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/notify"
)

// TestMessageReachesThePhone: a walk-in applicant who left only a phone number is owed
// the message by SMS (the ladder's walk-in rung), as E.164, once per action and version.
func TestMessageReachesThePhone(t *testing.T) {
	d := Dossier{Code: "000.31.37.H45-260302-0001", ProcedureName: "Đăng ký khai sinh", CompetentUnitID: 7, Version: 3,
		Applicant: Applicant{FullName: "Nguyễn Văn An", Phone: "0912 345 678"}, DueAt: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)}
	m, ok := message(d, ActReceive, "")
	if !ok || m.To != "" || m.Phone != "+84912345678" || m.Kind != notify.KindReceipt || m.DedupKey != "dossier:000.31.37.H45-260302-0001:receive:3" {
		t.Fatalf("%+v %v", m, ok)
	}
	if m.Data["ma_ho_so"] != d.Code || m.Data["ngay_hen"] == "" {
		t.Fatalf("data %v", m.Data)
	}
	routes := notify.Ladder(m, notify.Contacts{})
	if len(routes) != 1 || routes[0].Channel != notify.ChanSMS {
		t.Fatalf("ladder %+v", routes)
	}
	d.Applicant.Phone = "+1 415 555 0100" // not Vietnamese: nothing owed without an e-mail or an account
	if _, ok := message(d, ActReceive, ""); ok {
		t.Fatal("a message to a foreign number")
	}
}
