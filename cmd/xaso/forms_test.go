package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/qrform"
	"github.com/xaso-vn/xaso/internal/store"
)

// `xaso forms purge` on a fresh demo database exits 0 and deletes nothing (the demo's
// answers are of the last days); an answer past its form's retention goes, its count
// stays.
func TestFormsPurge(t *testing.T) {
	env, must := fresh(t)
	must("", "migrate")
	ctx := context.Background()
	st, err := store.Open(ctx, env["XASO_DB"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, st, auth.NewHasher(auth.TestParams, 1)); err != nil {
		t.Fatal(err)
	}
	if out := must("", "forms", "purge"); out != "0 câu trả lời, 0 tệp đã xóa (0 biểu mẫu)\n" {
		t.Fatalf("purge of the fresh demo: %q", out)
	}
	u, _ := st.UnitByCode(ctx, demo.CommuneCode)
	user, _ := st.UserByUsername(ctx, "vanhoa")
	p := &auth.Principal{UserID: user.ID, Memberships: []auth.Membership{{UnitID: u.ID, Role: auth.RoleCulture}}}
	then := time.Now().AddDate(0, 0, -10)
	svc := &qrform.Service{Store: st, Now: func() time.Time { return then }}
	f, err := svc.Create(ctx, p, u.ID, qrform.Draft{Title: "Khảo sát", Purpose: "Thử.", OpensAt: then.Add(-time.Hour), ClosesAt: then.AddDate(0, 1, 0),
		RetentionDays: 7, Fields: []qrform.Field{{Label: "Ý kiến", Kind: qrform.KindChoice, Options: []string{"Đồng ý", "Không"}, Required: true}}})
	if err == nil {
		f, err = svc.Publish(ctx, p, f.ID)
	}
	if err == nil {
		_, err = svc.Submit(ctx, qrform.Answerer{Client: "t"}, f, qrform.Submission{Consent: true, Values: map[string][]string{"f1": {"Đồng ý"}}})
	}
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if out := must("", "forms", "purge"); !strings.HasPrefix(out, "1 câu trả lời, 0 tệp đã xóa (1 biểu mẫu)") {
		t.Fatalf("purge: %q", out)
	}
}
