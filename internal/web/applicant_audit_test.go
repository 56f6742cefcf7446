package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/xaso-vn/xaso/internal/audit"
)

// Whoever acts on the look-up page with the dossier's secret, without logging in, is
// recorded in the audit log as the applicant (the receipt's holder), not as the system;
// nothing personal is recorded.
func TestSecretHolderAuditedAsApplicant(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	counter := bearer(t, e, "motcua")
	status, body := apiSend(t, e, counter, "POST", "/api/v1/dossiers", counterBody)
	if status != 201 {
		t.Fatalf("file: %d %s", status, body)
	}
	created := decode[struct{ Code, Secret string }](t, body)
	q := "?secret=" + url.QueryEscape(created.Secret)
	anonymous := e.client()
	if resp, _ := post(t, anonymous, e.ts.URL+"/tra-cuu/"+created.Code+"/hanh-dong/withdraw"+q, url.Values{"reason": {"Nộp nhầm thủ tục"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw with the secret: %d", resp.StatusCode)
	}
	if resp, _ := post(t, anonymous, e.ts.URL+"/tra-cuu/"+created.Code+"/danh-gia"+q, url.Values{"rating": {"satisfied"}, "comment": {"Cán bộ Trần Thị Bình rất nhiệt tình"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rate with the secret: %d", resp.StatusCode)
	}
	d, err := e.st.DossierByCode(ctx, created.Code)
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := e.st.AuditRecords(ctx, d.CompetentUnitID, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]audit.Record{}
	for _, r := range recs {
		if r.Event.ObjectID == created.Code {
			seen[r.Event.Action] = r
		}
	}
	for _, action := range []string{"dossier.withdraw", "dossier.rated"} {
		r, ok := seen[action]
		if !ok {
			t.Fatalf("no audit record %s of %s: %+v", action, created.Code, seen)
		}
		if r.Actor != "applicant" {
			t.Errorf("%s recorded as %q, want \"applicant\"", action, r.Actor)
		}
	}
	if r := seen["dossier.receive"]; r.Actor != "user:motcua" {
		t.Errorf("the counter's intake recorded as %q", r.Actor)
	}
}
