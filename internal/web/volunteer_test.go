package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/httpx"
)

// A volunteer of the digital team is not an official: a dossier filed at the counter of
// their own commune is as closed to them as to any other citizen, through every door
// (the dossier, its forms, files, payments, receipts, the list, the office pages), and
// they can never attach a result.
func TestVolunteerCannotSeeCounterDossiers(t *testing.T) {
	e := newEnvWith(t, demo.Options{Payments: true})
	counter, volunteer := bearer(t, e, "motcua"), bearer(t, e, "tocongnghe")
	status, body := apiSend(t, e, counter, "POST", "/api/v1/dossiers", counterBody)
	if status != 201 {
		t.Fatalf("file at the counter: %d %s", status, body)
	}
	code := decode[struct{ Code string }](t, body).Code
	status, body = uploadFile(t, e, counter, code, "giay.png", testPNG(t, 20, 20), map[string]string{"kind": "paper"})
	if status != 201 {
		t.Fatalf("counter attaches a paper: %d %s", status, body)
	}
	fileID := decode[struct{ ID int64 }](t, body).ID
	// A dossier resolved and paid in cash at the demo's counter has a receipt.
	paid := demoDossier(t, e, "Vũ Thị Hoa")
	pays := payments(t, e, counter, paid.Code)
	if len(pays) == 0 || pays[0].Receipt == nil {
		t.Fatalf("the demo's paid dossier has no receipt: %+v", pays)
	}
	receipt := "/api/v1/receipts/" + strconv.FormatInt(pays[0].Receipt.ID, 10) + ".pdf"

	for _, path := range []string{
		"/api/v1/dossiers/" + code,
		"/api/v1/dossiers/" + code + "/forms/01.pdf",
		"/api/v1/dossiers/" + code + "/forms/06.html",
		"/api/v1/dossiers/" + code + "/files",
		"/api/v1/dossiers/" + code + "/files/" + strconv.FormatInt(fileID, 10),
		"/api/v1/dossiers/" + code + "/payments",
		"/api/v1/dossiers/" + paid.Code + "/payments",
		receipt,
	} {
		resp, _ := fetchFile(t, e, volunteer, path)
		if resp.StatusCode != 404 && resp.StatusCode != 403 {
			t.Errorf("volunteer GET %s: %d, want 403 or 404", path, resp.StatusCode)
		}
	}
	for _, kind := range []string{"result", "paper"} {
		if status, body := uploadFile(t, e, volunteer, code, "kq.png", testPNG(t, 20, 20), map[string]string{"kind": kind}); status != 404 && status != 403 {
			t.Errorf("volunteer uploads a %s to a counter dossier: %d %s", kind, status, body)
		}
	}
	if status, body := apiSend(t, e, volunteer, "POST", "/api/v1/dossiers/"+code+"/actions/withdraw", `{"reason":"thử"}`); status != 404 && status != 403 {
		t.Errorf("volunteer withdraws a counter dossier: %d %s", status, body)
	}
	if status, body := apiSend(t, e, volunteer, "POST", "/api/v1/dossiers/"+code+"/payments", ""); status != 404 && status != 403 {
		t.Errorf("volunteer bills a counter dossier: %d %s", status, body)
	}
	var list httpx.List[struct {
		Code    string `json:"code"`
		Channel string `json:"channel"`
	}]
	if status, p := apiGet(t, e, volunteer, "/api/v1/dossiers?limit=500", &list); status != 200 {
		t.Fatalf("volunteer's list: %d %+v", status, p)
	}
	for _, it := range list.Items {
		if it.Channel != "assisted" {
			t.Errorf("volunteer's list shows %s (channel %s)", it.Code, it.Channel)
		}
	}
	if status, p := apiGet(t, e, volunteer, "/api/v1/dossiers?unit="+demo.CommuneCode, nil); status != 403 {
		t.Errorf("volunteer lists the commune's dossiers: %d %+v", status, p)
	}

	c, _ := e.login(t, "tocongnghe", demo.Password)
	for _, path := range []string{"/office?code=" + code, "/office/dossiers/" + code, "/office"} {
		if resp, page := get(t, c, e.ts.URL+path); resp.StatusCode != 403 && resp.StatusCode != 404 || strings.Contains(page, "Nguyễn Văn An") {
			t.Errorf("volunteer's page %s: %d", path, resp.StatusCode)
		}
	}
	if resp, _ := get(t, c, e.ts.URL+"/ho-so-da-nop/"+code); resp.StatusCode != 404 {
		t.Errorf("volunteer's receipt page of a counter dossier: %d", resp.StatusCode)
	}
	if resp, page := get(t, c, e.ts.URL+"/tra-cuu/"+code); resp.StatusCode != 200 || strings.Contains(page, "Nguyễn Văn An") {
		t.Errorf("volunteer's look-up without the secret shows the applicant: %d", resp.StatusCode)
	}
}

// The volunteer's own assisted filing (the demo's, filed for the demo citizen who
// consented) is open to them through the same doors, as the applicant's helper: they
// may send papers but not attach a result, nor withdraw or rate. When the citizen takes
// the consent back on their account page, every door closes.
func TestVolunteerFollowsAssistedFilingUntilConsentRevoked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	volunteer := bearer(t, e, "tocongnghe")
	citizenUser, err := e.st.UserByUsername(ctx, "congdan")
	if err != nil {
		t.Fatal(err)
	}
	var list httpx.List[struct {
		Code    string `json:"code"`
		Channel string `json:"channel"`
	}]
	if status, p := apiGet(t, e, volunteer, "/api/v1/dossiers", &list); status != 200 || list.Total != 1 || len(list.Items) != 1 || list.Items[0].Channel != "assisted" {
		t.Fatalf("volunteer's list: %d %+v %+v", status, list, p)
	}
	code := list.Items[0].Code
	d, err := e.st.DossierByCode(ctx, code)
	if err != nil || d.OwnerID != citizenUser.ID {
		t.Fatalf("the demo's assisted dossier: %+v %v", d, err)
	}
	var got struct {
		Code      string `json:"code"`
		Applicant struct {
			FullName string `json:"full_name"`
		} `json:"applicant"`
		AllowedActions []string `json:"allowed_actions"`
	}
	if status, p := apiGet(t, e, volunteer, "/api/v1/dossiers/"+code, &got); status != 200 || got.Code != code || len(got.AllowedActions) != 0 {
		t.Fatalf("volunteer opens their assisted dossier: %d %+v %+v", status, got, p)
	}
	status, body := uploadFile(t, e, volunteer, code, "giay.png", testPNG(t, 20, 20), map[string]string{"kind": "paper"})
	if status != 201 {
		t.Fatalf("volunteer sends a paper: %d %s", status, body)
	}
	fileID := decode[struct{ ID int64 }](t, body).ID
	for _, kind := range []string{"result", "form"} {
		if status, body := uploadFile(t, e, volunteer, code, "kq.png", testPNG(t, 20, 20), map[string]string{"kind": kind}); status != 403 && status != 422 {
			t.Errorf("volunteer attaches a %s: %d %s", kind, status, body)
		}
	}
	files := "/api/v1/dossiers/" + code + "/files"
	for _, path := range []string{files, files + "/" + strconv.FormatInt(fileID, 10), "/api/v1/dossiers/" + code + "/payments",
		"/api/v1/dossiers/" + code + "/forms/06.html"} {
		resp, _ := fetchFile(t, e, volunteer, path)
		if resp.StatusCode != 200 && !(strings.Contains(path, "/forms/") && resp.StatusCode == 409) {
			t.Errorf("volunteer GET %s: %d", path, resp.StatusCode)
		}
	}
	if status, body := apiSend(t, e, volunteer, "POST", "/api/v1/dossiers/"+code+"/actions/withdraw", `{"reason":"thử"}`); status != 409 {
		t.Errorf("volunteer withdraws the citizen's dossier: %d %s", status, body)
	}

	// The pages: the receipt page, and the look-up page without the secret, where the
	// volunteer is recognised by their session and the links carry no secret.
	c, _ := e.login(t, "tocongnghe", demo.Password)
	if resp, page := get(t, c, e.ts.URL+"/account"); resp.StatusCode != 200 || !strings.Contains(page, code) {
		t.Fatalf("the volunteer's account page does not list %s: %d", code, resp.StatusCode)
	}
	if resp, _ := get(t, c, e.ts.URL+"/ho-so-da-nop/"+code); resp.StatusCode != 200 {
		t.Fatalf("volunteer's receipt page: %d", resp.StatusCode)
	}
	resp, page := get(t, c, e.ts.URL+"/tra-cuu/"+code)
	if resp.StatusCode != 200 || !strings.Contains(page, "Nguyễn Văn An") || strings.Contains(page, d.Secret) {
		t.Fatalf("volunteer's look-up page: %d, shows the secret %v", resp.StatusCode, strings.Contains(page, d.Secret))
	}
	if has(t, page, "form#withdraw-form") || has(t, page, "form#rating-form") {
		t.Error("the volunteer is offered to withdraw or rate")
	}
	if resp, _ := post(t, c, e.ts.URL+"/tra-cuu/"+code+"/hanh-dong/withdraw", url.Values{"reason": {"thử"}}); resp.StatusCode != 409 {
		t.Errorf("volunteer withdraws on the page: %d", resp.StatusCode)
	}
	for _, path := range []string{"/office/dossiers/" + code, "/office?code=" + code} {
		if resp, _ := get(t, c, e.ts.URL+path); resp.StatusCode != 403 {
			t.Errorf("volunteer's office page %s: %d", path, resp.StatusCode)
		}
	}

	// The citizen takes the consent back.
	owner, _ := e.login(t, "congdan", demo.Password)
	_, page = get(t, owner, e.ts.URL+"/account")
	revoke := ""
	for _, f := range all(t, page, "form") {
		if a, _ := attr(f, "action"); strings.HasSuffix(a, "/revoke") {
			revoke = a
		}
	}
	if revoke == "" || !strings.Contains(page, "Đinh Văn Minh") {
		t.Fatal("the citizen's account page offers no consent to revoke")
	}
	if resp, _ := post(t, owner, e.ts.URL+revoke, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	for _, path := range []string{"/api/v1/dossiers/" + code, files, files + "/" + strconv.FormatInt(fileID, 10), "/api/v1/dossiers/" + code + "/payments"} {
		if resp, _ := fetchFile(t, e, volunteer, path); resp.StatusCode != 404 {
			t.Errorf("volunteer GET %s after the revocation: %d", path, resp.StatusCode)
		}
	}
	if status, p := apiGet(t, e, volunteer, "/api/v1/dossiers", &list); status != 200 || list.Total != 0 {
		t.Errorf("volunteer's list after the revocation: %d %+v %+v", status, list, p)
	}
	if resp, _ := get(t, c, e.ts.URL+"/ho-so-da-nop/"+code); resp.StatusCode != 404 {
		t.Errorf("volunteer's receipt page after the revocation: %d", resp.StatusCode)
	}
	if _, page := get(t, c, e.ts.URL+"/tra-cuu/"+code); strings.Contains(page, "Nguyễn Văn An") {
		t.Error("the look-up page still shows the applicant to the volunteer")
	}
	if resp, _ := post(t, owner, e.ts.URL+revoke, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("revoking twice: %d", resp.StatusCode)
	}
	// The owner still has it.
	if resp, page := get(t, owner, e.ts.URL+"/tra-cuu/"+code); resp.StatusCode != 200 || !strings.Contains(page, "Nguyễn Văn An") {
		t.Errorf("the owner's look-up page: %d", resp.StatusCode)
	}
}

// The citizen gives their consent on the account page, naming the volunteer by their
// username; mistakes are explained at the field and nothing is recorded.
func TestCitizenGrantsConsent(t *testing.T) {
	e := newEnv(t)
	c := otherCitizen(t, e) // congdan2
	for _, tt := range []struct {
		form  url.Values
		error string
	}{
		{url.Values{"volunteer": {"tocongnghe"}}, "Tôi đồng ý"},
		{url.Values{"volunteer": {"motcua"}, "agree": {"yes"}}, "Không có thành viên"},
		{url.Values{"volunteer": {"khong-co-ai"}, "agree": {"yes"}}, "Không có thành viên"},
		{url.Values{"volunteer": {"X"}, "agree": {"yes"}}, "Không có thành viên"},
		{url.Values{"volunteer": {"congdan2"}, "agree": {"yes"}}, "Không có thành viên"},
	} {
		resp, page := post(t, c, e.ts.URL+"/account/consents", tt.form)
		if resp.StatusCode != 422 || !strings.Contains(textAt(t, page, "p#volunteer-error"), tt.error) {
			t.Errorf("%v: %d %q", tt.form, resp.StatusCode, textAt(t, page, "main"))
		}
	}
	volunteer := bearer(t, e, "tocongnghe")
	body := strings.Replace(onlineBody, `"channel":"online"`, `"channel":"assisted","owner":"congdan2"`, 1)
	if status, out := apiSend(t, e, volunteer, "POST", "/api/v1/dossiers", body); status != 409 || !strings.Contains(out, "consent_required") {
		t.Fatalf("assisted filing before the consent: %d %s", status, out)
	}
	unknown := strings.Replace(body, `"owner":"congdan2"`, `"owner":"khong-co-ai"`, 1)
	if status, out := apiSend(t, e, volunteer, "POST", "/api/v1/dossiers", unknown); status != 409 || !strings.Contains(out, "consent_required") {
		t.Fatalf("assisted filing for nobody: %d %s", status, out)
	}
	noOwner := strings.Replace(body, `,"owner":"congdan2"`, ``, 1)
	if status, out := apiSend(t, e, volunteer, "POST", "/api/v1/dossiers", noOwner); status != 422 || !strings.Contains(out, `"owner"`) {
		t.Fatalf("assisted filing without an owner: %d %s", status, out)
	}
	resp, _ := post(t, c, e.ts.URL+"/account/consents", url.Values{"volunteer": {" ToCongNghe "}, "agree": {"yes"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant: %d", resp.StatusCode)
	}
	if _, page := get(t, c, e.ts.URL+"/account"); !strings.Contains(textAt(t, page, "p.flash"), "Đinh Văn Minh") || !strings.Contains(page, "Đang có hiệu lực") {
		t.Fatalf("after the grant: %q", textAt(t, page, "main"))
	}
	status, out := apiSend(t, e, volunteer, "POST", "/api/v1/dossiers", body)
	if status != 201 {
		t.Fatalf("assisted filing after the consent: %d %s", status, out)
	}
	code := decode[struct{ Code string }](t, out).Code
	d, _ := e.st.DossierByCode(context.Background(), code)
	owner, _ := e.st.UserByUsername(context.Background(), "congdan2")
	if d.OwnerID != owner.ID || d.Channel != "assisted" {
		t.Fatalf("the assisted dossier's owner: %d, want %d", d.OwnerID, owner.ID)
	}
	// Another citizen cannot revoke it.
	stranger, _ := e.login(t, "congdan", demo.Password)
	if resp, _ := post(t, stranger, e.ts.URL+"/account/consents/"+strconv.FormatInt(d.ConsentID, 10)+"/revoke", nil); resp.StatusCode != 404 {
		t.Fatalf("another citizen revokes: %d", resp.StatusCode)
	}
	if status, _ := apiGet(t, e, volunteer, "/api/v1/dossiers/"+code, &struct{}{}); status != 200 {
		t.Fatalf("the volunteer after someone else tried to revoke: %d", status)
	}
}
