package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
)

// Assisted filing proven end to end (issue 21, docs/COMMUNITY.md): a volunteer without
// the citizen's consent is refused; the citizen consents on their account page; the
// volunteer files on their behalf; the citizen sees it in "Hồ sơ của tôi" (the API's
// overview and the page) marked as filed with help by that member; once received, the
// Decision 766 index counts it as filed online (its formula counts assisted filing as
// electronic) and the DX indicator assisted_dossier_share counts it; the citizen revokes
// and the volunteer no longer sees it nor can file another.
func TestAssistedFilingEndToEnd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	citizen := otherCitizen(t, e) // congdan2, Lê Thị Hoa
	citizenToken := bearer(t, e, "congdan2")
	volunteer := bearer(t, e, "tocongnghe") // Đinh Văn Minh
	leader := bearer(t, e, "lanhdao")
	counter := bearer(t, e, "motcua")
	body := strings.Replace(onlineBody, `"channel":"online"`, `"channel":"assisted","owner":"congdan2"`, 1)

	// 1. No consent: refused, nothing filed.
	if status, out := apiSend(t, e, volunteer, "POST", "/api/v1/dossiers", body); status != http.StatusConflict || !strings.Contains(out, `"consent_required"`) {
		t.Fatalf("assisted filing without consent: %d %s", status, out)
	}

	// The counts before.
	now := time.Now().In(locale.Zone)
	year := now.Year()
	from, to := fmt.Sprintf("%d-01-01", year), now.Format("2006-01-02")
	index := func() (num, den int64) {
		t.Helper()
		var idx struct {
			Indicators []struct {
				ID          string `json:"id"`
				Numerator   *int64 `json:"numerator"`
				Denominator *int64 `json:"denominator"`
			} `json:"indicators"`
		}
		if status, p := apiGet(t, e, leader, "/api/v1/reports/index766?unit="+demo.CommuneCode+"&from="+from+"&to="+to, &idx); status != 200 {
			t.Fatalf("index766: %d %+v", status, p)
		}
		for _, in := range idx.Indicators {
			if in.ID == "online.dossiers" && in.Numerator != nil && in.Denominator != nil {
				return *in.Numerator, *in.Denominator
			}
		}
		t.Fatal("index766 without online.dossiers")
		return
	}
	dx := func() (num, den float64) {
		t.Helper()
		var list struct {
			Items []struct {
				ID          string   `json:"id"`
				Numerator   *float64 `json:"numerator"`
				Denominator *float64 `json:"denominator"`
			} `json:"items"`
		}
		if status, p := apiGet(t, e, leader, fmt.Sprintf("/api/v1/dx-indicators?unit=%s&year=%d", demo.CommuneCode, year), &list); status != 200 {
			t.Fatalf("dx-indicators: %d %+v", status, p)
		}
		for _, in := range list.Items {
			if in.ID == "assisted_dossier_share" {
				if in.Numerator == nil || in.Denominator == nil {
					return 0, 0
				}
				return *in.Numerator, *in.Denominator
			}
		}
		t.Fatal("no assisted_dossier_share")
		return
	}
	onlineBefore, receivedBefore := index()
	assistedBefore, allBefore := dx()

	// 2. The citizen consents on their account page, naming the volunteer.
	resp, _ := post(t, citizen, e.ts.URL+"/account/consents", url.Values{"volunteer": {"tocongnghe"}, "agree": {"yes"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("consent: %d", resp.StatusCode)
	}

	// 3. The volunteer files on the citizen's behalf.
	status, out := apiSend(t, e, volunteer, "POST", "/api/v1/dossiers", body)
	if status != http.StatusCreated {
		t.Fatalf("assisted filing with consent: %d %s", status, out)
	}
	code := decode[struct{ Code string }](t, out).Code

	// 4. The citizen sees it in "Hồ sơ của tôi", filed with help by that member.
	var o struct {
		Dossiers []struct {
			Code     string `json:"code"`
			Channel  string `json:"channel"`
			HelpedBy string `json:"helped_by"`
		} `json:"dossiers"`
	}
	if status, p := apiGet(t, e, citizenToken, "/api/v1/me/overview", &o); status != 200 {
		t.Fatalf("overview: %d %+v", status, p)
	}
	found := false
	for _, d := range o.Dossiers {
		if d.Code == code {
			found = true
			if d.Channel != "assisted" || d.HelpedBy != "Đinh Văn Minh" {
				t.Fatalf("the overview's dossier: %+v", d)
			}
		}
	}
	if !found {
		t.Fatalf("the overview lacks %s: %+v", code, o)
	}
	_, page := get(t, citizen, e.ts.URL+"/account")
	if !strings.Contains(page, code) || !strings.Contains(textAt(t, page, "p.helped-by"), "Nộp hộ bởi Đinh Văn Minh") {
		t.Fatal("the account page does not mark the dossier as filed with help")
	}

	// 5. Received by the counter, it counts as online in the 766 index and as assisted
	// in the DX indicator.
	if status, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+code+"/actions/receive", ""); status != 200 {
		t.Fatalf("receive: %d %s", status, out)
	}
	if online, received := index(); online != onlineBefore+1 || received != receivedBefore+1 {
		t.Fatalf("766 online.dossiers: %d/%d, was %d/%d", online, received, onlineBefore, receivedBefore)
	}
	if assisted, all := dx(); assisted != assistedBefore+1 || all != allBefore+1 {
		t.Fatalf("assisted_dossier_share: %v/%v, was %v/%v", assisted, all, assistedBefore, allBefore)
	}

	// 6. The citizen revokes: the volunteer no longer sees it and cannot file another.
	d, err := e.st.DossierByCode(ctx, code)
	if err != nil || d.ConsentID == 0 {
		t.Fatalf("the dossier's consent: %v %+v", err, d.ConsentID)
	}
	if resp, _ := post(t, citizen, e.ts.URL+fmt.Sprintf("/account/consents/%d/revoke", d.ConsentID), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if status, _ := apiGet(t, e, volunteer, "/api/v1/dossiers/"+code, &struct{}{}); status != http.StatusNotFound {
		t.Fatalf("the volunteer opens it after the revocation: %d", status)
	}
	var list struct {
		Items []struct{ Code string } `json:"items"`
	}
	apiGet(t, e, volunteer, "/api/v1/dossiers", &list)
	for _, it := range list.Items {
		if it.Code == code {
			t.Fatal("the volunteer's list still has it")
		}
	}
	if status, out := apiSend(t, e, volunteer, "POST", "/api/v1/dossiers", body); status != http.StatusConflict || !strings.Contains(out, `"consent_required"`) {
		t.Fatalf("assisted filing after the revocation: %d %s", status, out)
	}
	// The citizen keeps it, still marked.
	if _, page := get(t, citizen, e.ts.URL+"/account"); !strings.Contains(page, code) || !strings.Contains(page, "Nộp hộ bởi Đinh Văn Minh") {
		t.Fatal("the citizen's page lost the dossier or its mark after the revocation")
	}
}
